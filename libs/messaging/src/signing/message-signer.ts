import { createHmac, timingSafeEqual } from 'node:crypto';
import { TributaryError } from '@tributary/domain';
import type { Envelope } from '../envelope/envelope.js';
import { checkQueueAttributes } from '../envelope/queue-headers.js';

export interface SigningKey {
  readonly id: string;
  readonly secret: string;
}

export interface SigningKeyring {
  /** The key new messages are signed with. */
  readonly active: SigningKey;
  /** Keys still accepted on verification (the previous keys during a rotation). */
  readonly accepted?: readonly SigningKey[];
}

const SIGNATURE = /^v1=([A-Za-z0-9._-]{1,64}),([A-Za-z0-9+/]+={0,2})$/;

/**
 * Signs and verifies envelopes: `signature = "v1=<keyId>,<base64 HMAC-SHA256(canonical envelope)>"`.
 * The canonical form is the envelope without `signature`, keys sorted at every depth, as JSON, so that
 * any transport (headers or a JSON column) can rebuild exactly what was signed.
 */
export class MessageSigner {
  private readonly keys: Map<string, Buffer>;

  constructor(private readonly keyring: SigningKeyring) {
    this.keys = new Map(
      [keyring.active, ...(keyring.accepted ?? [])].map((k) => [k.id, Buffer.from(k.secret, 'utf8')] as const),
    );
  }

  sign<T>(envelope: Envelope<T>): Envelope<T> {
    const { id } = this.keyring.active;
    return { ...envelope, signature: `v1=${id},${this.mac(this.keys.get(id)!, envelope)}` };
  }

  /**
   * Throws a non-retryable `signature_invalid` error unless a known key produced the signature, and
   * `queue_header_invalid` when a queue attribute (see `QueueAttributes`) is ill-formed.
   */
  verify<T>(envelope: Envelope<T>): Envelope<T> {
    const match = envelope.signature ? SIGNATURE.exec(envelope.signature) : null;
    const key = match ? this.keys.get(match[1]) : undefined;
    if (!match || !key) {
      throw new TributaryError('invalid', 'signature_invalid', 'Message signature is missing or uses an unknown key');
    }
    const expected = Buffer.from(this.mac(key, envelope), 'base64');
    const given = Buffer.from(match[2], 'base64');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new TributaryError('invalid', 'signature_invalid', 'Message signature does not match its content');
    }
    checkQueueAttributes(envelope);
    return envelope;
  }

  private mac(key: Buffer, envelope: Envelope<unknown>): string {
    // canonicalJson drops undefined members: the signature is left out of what it signs.
    return createHmac('sha256', key).update(canonicalJson({ ...envelope, signature: undefined })).digest('base64');
  }
}

/** JSON with object keys sorted at every depth and `undefined` members dropped. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  // As JSON.stringify does: what travels for a Date (or any toJSON) is its JSON form, so sign that.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return canonicalJson((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return `${out}]`;
  }
  // On the hot path of every message: plain loops, the default (UTF-16 code unit) sort.
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(member)}`;
  }
  return `${out}}`;
}

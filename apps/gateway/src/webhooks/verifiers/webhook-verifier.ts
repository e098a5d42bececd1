import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { TributaryError } from '@tributary/domain';

export const VERIFIER_SCHEMES = ['standard-webhooks', 'bearer', 'github', 'stripe', 'query-token'] as const;
export type VerifierScheme = (typeof VERIFIER_SCHEMES)[number];

/** A request to `/webhooks/:id` as the verifier sees it: nothing about it is trusted yet. */
export interface IncomingDelivery {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly query: URLSearchParams;
}

/**
 * One active secret of a webhook, ready for comparison: the HMAC key for the signature schemes
 * (opened from its sealed form), the stored SHA-256 for the token schemes.
 */
export interface VerifierKey {
  readonly key: Buffer;
}

/**
 * One verification scheme. A new scheme is one class implementing this, listed in `verifiers.ts`.
 * `verify` throws a `TributaryError` of kind unauthenticated, or returns the delivery's message id
 * (what makes a retry recognisable: the sender's id when the scheme has one, else a digest).
 */
export interface WebhookVerifier {
  readonly scheme: VerifierScheme;
  /** What a sender of this scheme calls with; another method is answered 405 with these in `Allow`. */
  readonly methods: readonly string[];
  /** sealed: the gateway needs the secret again (HMAC key); hashed: it only compares. */
  readonly storage: 'sealed' | 'hashed';
  generateSecret(): string;
  /** Whether a secret the caller brings (e.g. Stripe's own) is acceptable for this scheme. */
  acceptsSecret(secret: string): boolean;
  /** The comparison key of a stored secret: the HMAC key bytes, or the SHA-256 of a token. */
  keyOf(secret: string): Buffer;
  /** Whether the request carries this scheme's credentials (to pick the decoy for an unknown webhook). */
  claims(delivery: IncomingDelivery): boolean;
  verify(delivery: IncomingDelivery, keys: readonly VerifierKey[], toleranceSeconds: number, nowSeconds: number): string;
}

export const unauthenticated = (code: 'signature_missing' | 'signature_invalid' | 'timestamp_invalid', message: string) =>
  new TributaryError('unauthenticated', code, message);

export const sha256 = (data: string | Buffer): Buffer => createHash('sha256').update(data).digest();

/** Constant-time equality of two byte strings (unequal lengths compare false without leaking where). */
export function sameBytes(given: Buffer, expected: Buffer): boolean {
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(' ') : value;
}

/** When the scheme has no message id: retries of the same content are one delivery. */
export const contentDigest = (...parts: (string | Buffer)[]): string => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\u0000');
  return `sha256:${hash.digest('hex')}`;
};

/** A header-provided message id, if the sender sent one we can use. */
export function senderMessageId(headers: IncomingHttpHeaders, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = header(headers, name)?.trim();
    if (value && value.length <= 256) return value;
  }
  return undefined;
}

/** Printable ASCII (spaces inside allowed, as GitHub allows them): what a secret brought from elsewhere may look like. */
export const PRINTABLE_SECRET = /^[\x21-\x7e][\x20-\x7e]{14,254}[\x21-\x7e]$/;

import { randomBytes } from 'node:crypto';
import {
  contentDigest,
  header,
  sameBytes,
  senderMessageId,
  sha256,
  unauthenticated,
  type IncomingDelivery,
  type VerifierKey,
  type WebhookVerifier,
} from './webhook-verifier.js';

export const TOKEN_SECRET = /^[A-Za-z0-9._~-]{16,256}$/;

export const generateToken = () => `whtok_${randomBytes(32).toString('base64url')}`;

/**
 * schemabase's style: the sender puts a shared secret in `Authorization` (`Bearer <secret>` or the
 * bare secret). Only its SHA-256 is stored; the presented one is hashed and compared in constant
 * time against every active secret. A `webhook-id` or `idempotency-key` header names the delivery;
 * without one, the body's digest does.
 */
export class BearerVerifier implements WebhookVerifier {
  readonly scheme = 'bearer' as const;
  readonly methods = ['POST'];
  readonly storage = 'hashed' as const;

  generateSecret(): string {
    return generateToken();
  }

  acceptsSecret(secret: string): boolean {
    return TOKEN_SECRET.test(secret);
  }

  keyOf(secret: string): Buffer {
    return sha256(secret);
  }

  claims(delivery: IncomingDelivery): boolean {
    return delivery.headers.authorization !== undefined;
  }

  verify(delivery: IncomingDelivery, keys: readonly VerifierKey[]): string {
    const value = header(delivery.headers, 'authorization')?.trim();
    if (!value) throw unauthenticated('signature_missing', 'The Authorization header is required');
    const presented = sha256(value.replace(/^bearer\s+/i, ''));
    let matched = false;
    for (const { key } of keys) matched = sameBytes(presented, key) || matched;
    if (!matched) throw unauthenticated('signature_invalid', 'The Authorization secret is not valid');
    return senderMessageId(delivery.headers, 'webhook-id', 'idempotency-key') ?? contentDigest(delivery.body);
  }
}

import { createHmac, randomBytes } from 'node:crypto';
import {
  contentDigest,
  header,
  PRINTABLE_SECRET,
  sameBytes,
  senderMessageId,
  unauthenticated,
  type IncomingDelivery,
  type VerifierKey,
  type WebhookVerifier,
} from './webhook-verifier.js';

/**
 * GitHub's `X-Hub-Signature-256: sha256=<hex>`: HMAC-SHA256 of the raw body keyed with the secret's
 * bytes. GitHub signs without a timestamp, so replays are caught by the idempotency window
 * (keyed by `X-GitHub-Delivery`).
 */
export class GithubVerifier implements WebhookVerifier {
  readonly scheme = 'github' as const;
  readonly methods = ['POST'];
  readonly storage = 'sealed' as const;

  generateSecret(): string {
    return randomBytes(32).toString('base64url');
  }

  acceptsSecret(secret: string): boolean {
    return PRINTABLE_SECRET.test(secret);
  }

  keyOf(secret: string): Buffer {
    return Buffer.from(secret, 'utf8');
  }

  claims(delivery: IncomingDelivery): boolean {
    return delivery.headers['x-hub-signature-256'] !== undefined;
  }

  verify(delivery: IncomingDelivery, keys: readonly VerifierKey[]): string {
    const signature = header(delivery.headers, 'x-hub-signature-256');
    if (!signature) throw unauthenticated('signature_missing', 'The X-Hub-Signature-256 header is required');
    const given = /^sha256=[0-9a-f]{64}$/i.test(signature) ? Buffer.from(signature.slice(7), 'hex') : Buffer.alloc(0);
    let matched = false;
    for (const { key } of keys) {
      matched = sameBytes(given, createHmac('sha256', key).update(delivery.body).digest()) || matched;
    }
    if (!matched) throw unauthenticated('signature_invalid', 'X-Hub-Signature-256 does not match the payload');
    return senderMessageId(delivery.headers, 'x-github-delivery') ?? contentDigest(delivery.body);
  }
}

import { createHmac, randomBytes } from 'node:crypto';
import { header, sameBytes, unauthenticated, type IncomingDelivery, type VerifierKey, type WebhookVerifier } from './webhook-verifier.js';

export const STANDARD_SECRET_PREFIX = 'whsec_';

/**
 * Standard Webhooks v1 (standardwebhooks.com): `webhook-signature` lists space-separated `v1,<base64>`
 * HMAC-SHA256 signatures of `id.timestamp.body` keyed with the base64 part of `whsec_…`; any one of
 * them may match any active secret (senders sign with old and new while rotating).
 */
export class StandardWebhooksVerifier implements WebhookVerifier {
  readonly scheme = 'standard-webhooks' as const;
  readonly methods = ['POST'];
  readonly storage = 'sealed' as const;

  generateSecret(): string {
    return `${STANDARD_SECRET_PREFIX}${randomBytes(24).toString('base64')}`;
  }

  acceptsSecret(secret: string): boolean {
    if (!secret.startsWith(STANDARD_SECRET_PREFIX)) return false;
    const body = secret.slice(STANDARD_SECRET_PREFIX.length);
    return /^[A-Za-z0-9+/]+={0,2}$/.test(body) && Buffer.from(body, 'base64').length >= 16 && body.length <= 256;
  }

  keyOf(secret: string): Buffer {
    return Buffer.from(secret.startsWith(STANDARD_SECRET_PREFIX) ? secret.slice(STANDARD_SECRET_PREFIX.length) : secret, 'base64');
  }

  claims(delivery: IncomingDelivery): boolean {
    return delivery.headers['webhook-signature'] !== undefined;
  }

  verify(delivery: IncomingDelivery, keys: readonly VerifierKey[], toleranceSeconds: number, nowSeconds: number): string {
    const id = header(delivery.headers, 'webhook-id');
    const timestamp = header(delivery.headers, 'webhook-timestamp');
    const signature = header(delivery.headers, 'webhook-signature');
    if (!id || !timestamp || !signature) {
      throw unauthenticated('signature_missing', 'webhook-id, webhook-timestamp and webhook-signature headers are required');
    }
    if (id.length > 256) throw unauthenticated('signature_invalid', 'webhook-id is longer than 256 characters');
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) {
      throw unauthenticated('timestamp_invalid', `webhook-timestamp must be within ${toleranceSeconds} seconds of now`);
    }
    const given = signature
      .split(' ')
      .filter((s) => s.startsWith('v1,'))
      .map((s) => Buffer.from(s.slice(3), 'base64'));
    let matched = false;
    for (const { key } of keys) {
      const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(delivery.body).digest();
      // Every pair is compared (no early exit): the work does not depend on which one matches.
      for (const g of given) matched = sameBytes(g, expected) || matched;
    }
    if (!matched) throw unauthenticated('signature_invalid', 'No webhook-signature matches the payload');
    return id;
  }
}

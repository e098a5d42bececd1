import { createHmac, randomBytes } from 'node:crypto';
import {
  contentDigest,
  header,
  PRINTABLE_SECRET,
  sameBytes,
  unauthenticated,
  type IncomingDelivery,
  type VerifierKey,
  type WebhookVerifier,
} from './webhook-verifier.js';

/**
 * Stripe's `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`: HMAC-SHA256 of `t.body` keyed with the
 * endpoint secret's bytes (Stripe issues it; bring it with `secret`), `t` within the tolerance.
 * Stripe resends an event with the same body, so the body's digest identifies a retry.
 */
export class StripeVerifier implements WebhookVerifier {
  readonly scheme = 'stripe' as const;
  readonly methods = ['POST'];
  readonly storage = 'sealed' as const;

  generateSecret(): string {
    return `whsec_${randomBytes(32).toString('hex')}`;
  }

  acceptsSecret(secret: string): boolean {
    return PRINTABLE_SECRET.test(secret);
  }

  keyOf(secret: string): Buffer {
    return Buffer.from(secret, 'utf8');
  }

  claims(delivery: IncomingDelivery): boolean {
    return delivery.headers['stripe-signature'] !== undefined;
  }

  verify(delivery: IncomingDelivery, keys: readonly VerifierKey[], toleranceSeconds: number, nowSeconds: number): string {
    const value = header(delivery.headers, 'stripe-signature');
    if (!value) throw unauthenticated('signature_missing', 'The Stripe-Signature header is required');
    const pairs = value.split(',').map((part) => {
      const at = part.indexOf('=');
      return [part.slice(0, at).trim(), part.slice(at + 1).trim()] as const;
    });
    const timestamp = pairs.find(([k]) => k === 't')?.[1];
    const given = pairs.filter(([k, v]) => k === 'v1' && /^[0-9a-f]{64}$/i.test(v)).map(([, v]) => Buffer.from(v, 'hex'));
    if (!timestamp || given.length === 0) throw unauthenticated('signature_missing', 'Stripe-Signature needs t= and at least one v1=');
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) {
      throw unauthenticated('timestamp_invalid', `The Stripe-Signature timestamp must be within ${toleranceSeconds} seconds of now`);
    }
    let matched = false;
    for (const { key } of keys) {
      const expected = createHmac('sha256', key).update(`${timestamp}.`).update(delivery.body).digest();
      for (const g of given) matched = sameBytes(g, expected) || matched;
    }
    if (!matched) throw unauthenticated('signature_invalid', 'No Stripe-Signature v1 matches the payload');
    return contentDigest(delivery.body);
  }
}

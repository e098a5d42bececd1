import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { TributaryError } from '@tributary/domain';

/** Standard Webhooks (standardwebhooks.com) v1: HMAC-SHA256 over `id.timestamp.body`, key from `whsec_<base64>`. */
export interface StandardWebhookHeaders {
  readonly id?: string;
  readonly timestamp?: string;
  readonly signature?: string;
}

export const SECRET_PREFIX = 'whsec_';

export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(24).toString('base64')}`;
}

export function signStandardWebhook(secret: string, id: string, timestamp: number, body: string | Buffer): string {
  return `v1,${hmac(keyOf(secret), id, String(timestamp), Buffer.isBuffer(body) ? body : Buffer.from(body))}`;
}

const unauthenticated = (code: string, message: string) => new TributaryError('unauthenticated', code, message);

/**
 * Verifies a delivery. Any one of the space-separated `v1,` signatures may match (senders list
 * several while rotating secrets); comparisons are constant-time and the expected value never
 * leaves this function.
 */
export function verifyStandardWebhook(
  secret: string,
  headers: StandardWebhookHeaders,
  body: Buffer,
  toleranceSeconds: number,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): void {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature) {
    throw unauthenticated('signature_missing', 'webhook-id, webhook-timestamp and webhook-signature headers are required');
  }
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) {
    throw unauthenticated('timestamp_invalid', `webhook-timestamp must be within ${toleranceSeconds} seconds of now`);
  }
  const expected = Buffer.from(hmac(keyOf(secret), id, timestamp, body), 'base64');
  const matches = signature
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'))
    .some((given) => given.length === expected.length && timingSafeEqual(given, expected));
  if (!matches) throw unauthenticated('signature_invalid', 'No webhook-signature matches the payload');
}

function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

function hmac(key: Buffer, id: string, timestamp: string, body: Buffer): string {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
}

import { createHmac, randomUUID } from 'node:crypto';

/**
 * The sender side of Standard Webhooks v1 (standardwebhooks.com): HMAC-SHA256 over `id.timestamp.body`
 * with the key base64-decoded from `whsec_<base64>`. Kept here, not imported from the gateway: the CLI
 * plays an outside sender and must not depend on another app.
 */
export const SECRET_PREFIX = 'whsec_';

export interface SignedDelivery {
  readonly headers: Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string>;
  readonly body: string;
}

export function isWebhookSecret(secret: string): boolean {
  return secret.startsWith(SECRET_PREFIX) && /^[A-Za-z0-9+/]+={0,2}$/.test(secret.slice(SECRET_PREFIX.length));
}

export function signStandardWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export function newMessageId(): string {
  return `msg_${randomUUID().replaceAll('-', '')}`;
}

export function signDelivery(
  secret: string,
  body: string,
  id: string = newMessageId(),
  timestamp: number = Math.floor(Date.now() / 1000),
): SignedDelivery {
  return {
    headers: {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signStandardWebhook(secret, id, timestamp, body),
    },
    body,
  };
}

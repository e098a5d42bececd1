import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * The sender side of Standard Webhooks v1, by the specification's own library: the CLI plays an
 * outside sender, so it signs the way senders do rather than with the gateway's code.
 */
export const SECRET_PREFIX = 'whsec_';

export interface SignedDelivery {
  readonly headers: Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string>;
  readonly body: string;
}

export function isWebhookSecret(secret: string): boolean {
  return secret.startsWith(SECRET_PREFIX) && /^[A-Za-z0-9+/]+={0,2}$/.test(secret.slice(SECRET_PREFIX.length));
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
      'webhook-signature': new Webhook(secret).sign(id, new Date(timestamp * 1000), body),
    },
    body,
  };
}

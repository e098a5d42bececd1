import { createHmac, randomUUID } from 'node:crypto';

/** Delivers like a Standard Webhooks sender: `v1,` HMAC-SHA256 of `id.timestamp.body` with the whsec_ key. */
export async function sendStandardWebhook(
  url: string,
  secret: string,
  payload: unknown,
  options: { id?: string; timestamp?: number; headers?: Record<string, string> } = {},
): Promise<Response> {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const id = options.id ?? `msg_${randomUUID()}`;
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': `v1,${signature}`,
      ...options.headers,
    },
    body,
  });
}

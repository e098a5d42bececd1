import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export interface StandardWebhookOptions {
  readonly id?: string;
  /** Unix seconds; default now. */
  readonly timestamp?: number;
  /** Sign with several secrets at once (a sender mid-rotation): one `v1,` signature each. */
  readonly secrets?: readonly string[];
  readonly headers?: Record<string, string>;
}

/**
 * The headers a Standard Webhooks sender puts on a delivery, made by the specification's own
 * library (`standardwebhooks`), never by our code: tests then check our verifier against theirs.
 */
export function standardWebhookHeaders(secret: string, body: string, options: StandardWebhookOptions = {}): Record<string, string> {
  const id = options.id ?? `msg_${randomUUID()}`;
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signatures = (options.secrets ?? [secret]).map((s) => new Webhook(s).sign(id, new Date(timestamp * 1000), body));
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatures.join(' '),
  };
}

/** Delivers like a Standard Webhooks sender (signed by the `standardwebhooks` library). */
export async function sendStandardWebhook(
  url: string,
  secret: string,
  payload: unknown,
  options: StandardWebhookOptions = {},
): Promise<Response> {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return fetch(url, { method: 'POST', headers: { ...standardWebhookHeaders(secret, body, options), ...options.headers }, body });
}

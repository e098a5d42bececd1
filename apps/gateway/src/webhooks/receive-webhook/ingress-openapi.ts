import type { OpenAPIObject } from '@nestjs/swagger';

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
});

/**
 * The ingress route is served ahead of Nest (see WebhookIngress), so no controller describes it:
 * its OpenAPI operation is written here.
 */
export function describeIngress(document: OpenAPIObject): void {
  const parameters = [
    { name: 'webhookId', in: 'path' as const, required: true, schema: { type: 'string', format: 'uuid' } },
    { name: 'webhook-id', in: 'header' as const, required: false, description: 'standard-webhooks: unique per delivery, retries reuse it', schema: { type: 'string' } },
    { name: 'webhook-timestamp', in: 'header' as const, required: false, description: 'standard-webhooks: unix seconds, within ±5 minutes', schema: { type: 'string' } },
    { name: 'webhook-signature', in: 'header' as const, required: false, description: 'standard-webhooks: v1,<base64 HMAC-SHA256 of "id.timestamp.body">, several space-separated', schema: { type: 'string' } },
    { name: 'x-hub-signature-256', in: 'header' as const, required: false, description: 'github: sha256=<hex HMAC-SHA256 of the body>', schema: { type: 'string' } },
    { name: 'stripe-signature', in: 'header' as const, required: false, description: 'stripe: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">', schema: { type: 'string' } },
    { name: 'authorization', in: 'header' as const, required: false, description: 'bearer: Bearer <secret>', schema: { type: 'string' } },
    { name: 'token', in: 'query' as const, required: false, description: 'query-token: the secret; the other query parameters are the payload of a GET', schema: { type: 'string' } },
    { name: 'traceparent', in: 'header' as const, required: false, description: 'W3C trace context to continue', schema: { type: 'string' } },
  ];
  const responses = {
    202: {
      description: 'Durably accepted (or a repeat of an accepted delivery: the original eventId)',
      content: {
        'application/json': {
          schema: { type: 'object', properties: { eventId: { type: 'string', format: 'uuid' }, traceId: { type: 'string' } }, required: ['eventId', 'traceId'] },
        },
      },
    },
    400: error('invalid_json, payload_invalid'),
    401: error('signature_missing, signature_invalid, timestamp_invalid'),
    403: error('tenant_disabled, app_disabled, integration_disabled, subscription_required ("Active subscription required")'),
    404: error('webhook_not_found (unknown or disabled; answered after the same verification work as a bad signature)'),
    405: error("method_not_allowed, with Allow (GET, HEAD, POST; after authentication: the webhook scheme's methods)"),
    413: error('payload_too_large (WEBHOOK_BODY_LIMIT, default 1 MiB)'),
    415: error('unsupported_media_type: a POST body must be application/json'),
    429: error('rate_limited, with Retry-After (per webhook and per tenant)'),
  };
  const operation = (summary: string) => ({ tags: ['webhook ingress'], summary, parameters, responses });
  document.paths['/webhooks/{webhookId}'] = {
    post: operation('Deliver a webhook (verified with the webhook scheme: standard-webhooks, bearer, github, stripe or query-token)'),
    get: operation('Deliver a webhook as query parameters (query-token webhooks; verified like any delivery)'),
  };
}

import { readJson } from '@tributary/testing';

export interface TenantWithWebhook {
  readonly id: string;
  readonly name: string;
  readonly apiKey: string;
  readonly webhook: { readonly id: string; readonly url: string; readonly secret: string };
}

/** Creates a tenant and a carrier-update webhook for it through the gateway's admin API. */
export async function createTenantWithWebhook(gatewayUrl: string, adminKey: string, name: string): Promise<TenantWithWebhook> {
  const admin = (path: string, body: unknown) =>
    fetch(`${gatewayUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then(readJson);
  const tenant = await admin('/v1/tenants', { name });
  const webhook = await admin(`/v1/tenants/${tenant.id}/webhooks`, { topic: 'tracking.carrier-update.received' });
  return { ...tenant, webhook };
}

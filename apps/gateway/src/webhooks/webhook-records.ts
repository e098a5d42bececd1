import { randomUUID } from 'node:crypto';
import { TributaryError } from '@tributary/domain';
import { TenantRepository, type SecretBox, type TenantContext } from '@tributary/tenancy';
import { Raw, type EntityManager } from 'typeorm';
import { AppEntity } from '../apps/app.entity.js';
import { notFound, requireId } from '../management-api/not-found.js';
import type { RawRow } from '../pagination/keyset-pagination.js';
import { secretAad } from './receive-webhook/webhook-directory.js';
import { verifierFor } from './verifiers/verifiers.js';
import type { VerifierScheme } from './verifiers/webhook-verifier.js';
import type { CreateWebhookBody } from './create-webhook/create-webhook.dto.js';
import { WebhookSecretEntity } from './webhook-secret.entity.js';
import { WebhookEntity } from './webhook.entity.js';
import type { WebhookCreatedView, WebhookSecretView, WebhookView } from './webhook.dto.js';

export const toWebhookView = (webhook: WebhookEntity, publicUrl: string): WebhookView => ({
  id: webhook.id,
  tenantId: webhook.tenantId,
  appId: webhook.appId,
  name: webhook.name,
  topic: webhook.topic,
  verifier: webhook.verifier,
  url: `${publicUrl.replace(/\/$/, '')}/webhooks/${webhook.id}`,
  enabled: webhook.disabledAt === null,
  rateLimitPerSecond: webhook.rateLimitPerSecond,
  createdAt: webhook.createdAt,
  updatedAt: webhook.updatedAt,
});

/** One of the tenant's webhooks, or 404 `webhook_not_found`. */
export async function findWebhook(webhooks: TenantRepository<WebhookEntity>, id: string): Promise<WebhookEntity> {
  const webhook = await webhooks.findOne({ id: requireId('webhook', id) });
  if (!webhook) throw notFound('webhook');
  return webhook;
}

/** A secret that has not expired by the database's clock (the one the expiries were written with). */
export const ACTIVE_SECRET = (alias: string) => `(${alias} IS NULL OR ${alias} > now())`;

/** A webhook's secrets in creation order, never their values. */
export async function secretViews(secrets: TenantRepository<WebhookSecretEntity>, webhookId: string): Promise<WebhookSecretView[]> {
  const { entities, raw } = await secrets
    .query('s')
    .andWhere('s.webhook_id = :webhookId', { webhookId })
    .addSelect(ACTIVE_SECRET('s.expires_at'), 'active')
    .orderBy('s.created_at')
    .addOrderBy('s.id')
    .getRawAndEntities<RawRow>();
  return entities.map((secret, i) => ({ id: secret.id, createdAt: secret.createdAt, expiresAt: secret.expiresAt, active: raw[i].active === true }));
}

/** Unexpired secrets only, for conditions on `expires_at`. */
export const unexpired = () => Raw<Date | null>((column) => ACTIVE_SECRET(column));

/**
 * Adds a secret to a webhook: the one brought (if its verifier can use it) or a new one. HMAC keys the gateway must
 * use again are sealed (bound to the webhook); tokens it only compares are kept as their SHA-256.
 */
export async function addSecret(
  secrets: TenantRepository<WebhookSecretEntity>,
  box: SecretBox,
  webhook: { readonly id: string; readonly tenantId: string; readonly verifier: VerifierScheme },
  brought?: string,
): Promise<{ id: string; secret: string }> {
  const verifier = verifierFor(webhook.verifier);
  if (brought !== undefined && !verifier.acceptsSecret(brought)) {
    // The message names the rule, never the value.
    throw new TributaryError('invalid', 'secret_invalid', `This is not a usable ${webhook.verifier} secret`, { fields: ['secret'] });
  }
  const secret = brought ?? verifier.generateSecret();
  const id = randomUUID();
  await secrets.insert({
    id,
    webhookId: webhook.id,
    sealed: verifier.storage === 'sealed' ? box.seal(secret, secretAad(webhook)) : null,
    sha256: verifier.storage === 'hashed' ? verifier.keyOf(secret) : null,
  });
  return { id, secret };
}

export type NewWebhook = Pick<CreateWebhookBody, 'topic' | 'verifier' | 'name' | 'rateLimitPerSecond' | 'secret'> & { appId?: string };

/** Creates a webhook of the tenant (of one of its apps, if given) with its first secret, shown this once. */
export async function insertWebhook(
  manager: EntityManager,
  tenant: TenantContext,
  box: SecretBox,
  publicUrl: string,
  input: NewWebhook,
): Promise<WebhookCreatedView> {
  const verifier = input.verifier ?? 'standard-webhooks';
  if (input.appId && !(await new TenantRepository(manager, AppEntity, tenant).findOne({ id: input.appId }))) throw notFound('app');
  const webhooks = new TenantRepository(manager, WebhookEntity, tenant);
  const id = randomUUID();
  await webhooks.insert({ id, appId: input.appId ?? null, name: input.name ?? '', topic: input.topic, verifier, rateLimitPerSecond: input.rateLimitPerSecond ?? null });
  const { secret } = await addSecret(new TenantRepository(manager, WebhookSecretEntity, tenant), box, { id, tenantId: tenant.tenantId, verifier }, input.secret);
  return { ...toWebhookView(await findWebhook(webhooks, id), publicUrl), secret };
}

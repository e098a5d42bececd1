import { Injectable } from '@nestjs/common';
import { TributaryError } from '@tributary/domain';
import { SecretBox } from '@tributary/tenancy';
import { topicByName, type TopicDefinition } from '@tributary/topics';
import { DataSource } from 'typeorm';
import { verifierFor } from '../verifiers/verifiers.js';
import type { VerifierKey, WebhookVerifier } from '../verifiers/webhook-verifier.js';

/** Associated data for a webhook's sealed secrets: binds them to their webhook, so a copied one does not open. */
export const secretAad = (webhook: { id: string; tenantId: string }) => `webhook:${webhook.tenantId}:${webhook.id}`;

export interface ResolvedKey extends VerifierKey {
  /** Epoch milliseconds after which it is refused; null: until rotated. */
  readonly expiresAt: number | null;
}

export interface ResolvedWebhook {
  readonly id: string;
  readonly tenantId: string;
  readonly topic: TopicDefinition;
  readonly verifier: WebhookVerifier;
  /** Opened (or hashed) secrets; in memory only. */
  readonly keys: readonly ResolvedKey[];
  readonly tenantEnabled: boolean;
  /** null: no app (provisioned by the platform admin), nothing gates it. */
  readonly app: null | {
    readonly enabled: boolean;
    /** Some integration using the app is enabled. */
    readonly integrationEnabled: boolean;
    /** The latest paid-until among the enabled integrations using the app, epoch ms. */
    readonly paidUntil: number | null;
  };
  readonly rateLimitPerSecond: number | null;
  readonly tenantRateLimitPerSecond: number | null;
}

interface Row {
  id: string;
  tenant_id: string;
  topic: string;
  verifier: string;
  app_id: string | null;
  rate_limit_per_second: number | null;
  tenant_disabled: boolean;
  tenant_rate_limit_per_second: number | null;
  app_disabled: boolean | null;
  integration_enabled: boolean | null;
  paid_until: Date | null;
  secrets: { sealed: string | null; sha256: string | null; expires_at: string | null }[];
}

const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

/** Keys that are active at `now`. */
export const activeKeys = (webhook: ResolvedWebhook, now: number): ResolvedKey[] =>
  webhook.keys.filter((k) => k.expiresAt === null || k.expiresAt > now);

/** Why an authenticated delivery is refused (403), or null when it may go in. */
export function refusal(webhook: ResolvedWebhook, now: number): TributaryError | null {
  if (!webhook.tenantEnabled) return new TributaryError('forbidden', 'tenant_disabled', 'This tenant is disabled');
  const app = webhook.app;
  if (!app) return null;
  if (!app.enabled) return new TributaryError('forbidden', 'app_disabled', "This webhook's app is disabled");
  if (!app.integrationEnabled) return new TributaryError('forbidden', 'integration_disabled', "No enabled integration uses this webhook's app");
  if (app.paidUntil === null || app.paidUntil <= now) {
    return new TributaryError('forbidden', 'subscription_required', 'Active subscription required');
  }
  return null;
}

/**
 * Looks webhooks up for ingress, with their secrets opened and what gates them (tenant, app,
 * integrations, subscription), and remembers the answer (found or not) for a few seconds: under
 * load most deliveries go to few webhooks, and a lookup plus decryption per delivery would be most
 * of the work. Changes through this instance's management API are seen at once, others' within TTL_MS.
 */
@Injectable()
export class WebhookDirectory {
  private readonly cache = new Map<string, { webhook: ResolvedWebhook | null; until: number }>();
  /** Lookups under way: the deliveries that miss the cache together share one query. */
  private readonly loading = new Map<string, { answer?: Promise<ResolvedWebhook | null> }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly secrets: SecretBox,
  ) {}

  /** The cached answer, if fresh: lets the ingress path stay synchronous in the common case. */
  cached(id: string, now: number): ResolvedWebhook | null | undefined {
    const hit = this.cache.get(id);
    return hit && hit.until > now ? hit.webhook : undefined;
  }

  async find(id: string): Promise<ResolvedWebhook | null> {
    const hit = this.cached(id, Date.now());
    if (hit !== undefined) return hit;
    let lookup = this.loading.get(id);
    if (!lookup) {
      lookup = {};
      this.loading.set(id, lookup);
      lookup.answer = this.load(id, lookup);
    }
    return lookup.answer!;
  }

  private async load(id: string, lookup: object): Promise<ResolvedWebhook | null> {
    const now = Date.now();
    try {
      return this.remember(id, lookup, now, await this.read(id));
    } finally {
      if (this.loading.get(id) === lookup) this.loading.delete(id);
    }
  }

  private remember(id: string, lookup: object, now: number, webhook: ResolvedWebhook | null): ResolvedWebhook | null {
    // Forgotten while this lookup ran: what it read may be stale already, so answer it but keep nothing.
    if (this.loading.get(id) !== lookup) return webhook;
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(id, { webhook, until: now + TTL_MS });
    return webhook;
  }

  private async read(id: string): Promise<ResolvedWebhook | null> {
    // SQL: ingress hot path — a webhook and everything that gates it (tenant, app, integrations, secrets as json_agg) in one statement.
    const [row] = await this.dataSource.query<Row[]>(
      `SELECT w.id, w.tenant_id, w.topic, w.verifier, w.app_id, w.rate_limit_per_second,
              t.disabled_at IS NOT NULL AS tenant_disabled, t.rate_limit_per_second AS tenant_rate_limit_per_second,
              a.disabled_at IS NOT NULL AS app_disabled,
              (SELECT bool_or(i.enabled) FROM gateway.integration_apps ia JOIN gateway.integrations i ON i.id = ia.integration_id
                WHERE ia.app_id = w.app_id) AS integration_enabled,
              (SELECT max(i.subscription_paid_until) FROM gateway.integration_apps ia JOIN gateway.integrations i ON i.id = ia.integration_id
                WHERE ia.app_id = w.app_id AND i.enabled) AS paid_until,
              coalesce((SELECT json_agg(json_build_object('sealed', s.sealed, 'sha256', encode(s.sha256, 'base64'), 'expires_at', s.expires_at))
                 FROM gateway.webhook_secrets s WHERE s.webhook_id = w.id AND (s.expires_at IS NULL OR s.expires_at > now())), '[]') AS secrets
         FROM gateway.webhooks w
         JOIN tenancy.tenants t ON t.id = w.tenant_id
         LEFT JOIN gateway.apps a ON a.id = w.app_id
        WHERE w.id = $1 AND w.disabled_at IS NULL`,
      [id],
    );
    return row ? this.resolve(row) : null;
  }

  /** Drops what this instance remembers of a webhook (after a change through its management API). */
  forget(id: string): void {
    this.cache.delete(id);
    this.loading.delete(id);
  }

  /** After a change to what gates many webhooks (a tenant, an app, an integration): forget them all. */
  forgetAll(): void {
    this.cache.clear();
    this.loading.clear();
  }

  private resolve(row: Row): ResolvedWebhook {
    const verifier = verifierFor(row.verifier);
    const aad = secretAad({ id: row.id, tenantId: row.tenant_id });
    return {
      id: row.id,
      tenantId: row.tenant_id,
      topic: topicByName(row.topic),
      verifier,
      keys: row.secrets.map((s) => ({
        key: s.sealed ? verifier.keyOf(this.secrets.open(s.sealed, aad)) : Buffer.from(s.sha256!, 'base64'),
        expiresAt: s.expires_at ? Date.parse(s.expires_at) : null,
      })),
      tenantEnabled: !row.tenant_disabled,
      app: row.app_id
        ? { enabled: !row.app_disabled, integrationEnabled: row.integration_enabled === true, paidUntil: row.paid_until ? row.paid_until.getTime() : null }
        : null,
      rateLimitPerSecond: row.rate_limit_per_second,
      tenantRateLimitPerSecond: row.tenant_rate_limit_per_second,
    };
  }
}

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Queryable } from '@tributary/database';
import { TributaryError } from '@tributary/domain';
import { requirePlatformAdmin, requireRole, SecretBox, TenantContext, type Principal } from '@tributary/tenancy';
import { notFound, UUID_PATTERN } from '../../access/not-found.js';
import { cursorColumns, paginate, type Page } from '../../access/pagination.js';
import { TenantTransactions } from '../../access/tenant-transactions.js';
import { GatewayConfig } from '../../gateway.config.js';
import { verifierFor } from '../verifiers/verifiers.js';
import type { VerifierScheme } from '../verifiers/webhook-verifier.js';
import { secretAad, WebhookDirectory } from '../webhook-directory.js';
import type {
  CreateWebhookBody,
  ProvisionWebhookBody,
  RotateSecretBody,
  UpdateWebhookBody,
  WebhookCreatedView,
  WebhookListQuery,
  WebhookSecretCreatedView,
  WebhookSecretView,
  WebhookView,
} from './webhook.model.js';

interface WebhookRow {
  id: string;
  tenant_id: string;
  app_id: string | null;
  name: string;
  topic: string;
  verifier: VerifierScheme;
  disabled_at: Date | null;
  rate_limit_per_second: number | null;
  created_at: Date;
  updated_at: Date;
}

interface SecretRow {
  id: string;
  created_at: Date;
  expires_at: Date | null;
  active: boolean;
}

const COLUMNS = 'w.id, w.tenant_id, w.app_id, w.name, w.topic, w.verifier, w.disabled_at, w.rate_limit_per_second, w.created_at, w.updated_at';
const DEFAULT_OVERLAP_SECONDS = 86_400;

const toSecretView = (row: SecretRow): WebhookSecretView => ({ id: row.id, createdAt: row.created_at, expiresAt: row.expires_at, active: row.active });

type NewWebhook = Pick<CreateWebhookBody, 'topic' | 'verifier' | 'name' | 'rateLimitPerSecond' | 'secret'> & { appId?: string };

/**
 * Webhooks and their secrets. Members and owners create, change and rotate; anyone in the tenant
 * reads (never a secret: a secret's value is in the answer that created it, and nowhere after).
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly tx: TenantTransactions,
    private readonly secrets: SecretBox,
    private readonly directory: WebhookDirectory,
    private readonly config: GatewayConfig,
  ) {}

  async create(caller: Principal, input: CreateWebhookBody): Promise<WebhookCreatedView> {
    const tenant = requireRole(caller, 'member');
    return this.tx.run(tenant, (manager) => this.insert(manager, tenant.tenantId, input));
  }

  /** The platform admin provisions a webhook for a tenant (the app may be left out). */
  async provision(caller: Principal, tenantId: string, input: ProvisionWebhookBody): Promise<WebhookCreatedView> {
    requirePlatformAdmin(caller);
    if (!UUID_PATTERN.test(tenantId)) throw notFound('tenant');
    return this.tx.run(TenantContext.trusted(tenantId, 'platform-admin'), async (manager) => {
      const [tenant] = await manager.query(`SELECT 1 FROM tenancy.tenants WHERE id = $1`, [tenantId]);
      if (!tenant) throw notFound('tenant');
      return this.insert(manager, tenantId, input);
    });
  }

  async list(caller: Principal, query: WebhookListQuery): Promise<Page<WebhookView>> {
    const tenant = requireRole(caller, 'read_only');
    return this.tx.run(tenant, (manager) =>
      paginate(
        manager,
        `SELECT ${COLUMNS}, ${cursorColumns('w')} FROM gateway.webhooks w WHERE w.tenant_id = $1 AND ($2::uuid IS NULL OR w.app_id = $2)`,
        [tenant.tenantId, query.appId ?? null],
        'w',
        query,
        (row: WebhookRow) => this.toView(row),
      ),
    );
  }

  async get(caller: Principal, id: string): Promise<WebhookView> {
    const tenant = requireRole(caller, 'read_only');
    return this.tx.run(tenant, (manager) => this.find(manager, tenant.tenantId, id));
  }

  async update(caller: Principal, id: string, input: UpdateWebhookBody): Promise<WebhookView> {
    const tenant = requireRole(caller, 'member');
    const updated = await this.tx.run(tenant, async (manager) => {
      await this.find(manager, tenant.tenantId, id);
      await manager.query(
        `UPDATE gateway.webhooks SET
           name = coalesce($3, name),
           disabled_at = CASE WHEN $4::boolean IS NULL THEN disabled_at WHEN $4 THEN NULL ELSE coalesce(disabled_at, now()) END,
           rate_limit_per_second = CASE WHEN $5::boolean THEN $6::integer ELSE rate_limit_per_second END,
           updated_at = now()
         WHERE tenant_id = $1 AND id = $2`,
        [tenant.tenantId, id, input.name ?? null, input.enabled ?? null, input.rateLimitPerSecond !== undefined, input.rateLimitPerSecond ?? null],
      );
      return this.find(manager, tenant.tenantId, id);
    });
    this.directory.forget(id);
    return updated;
  }

  async listSecrets(caller: Principal, webhookId: string): Promise<WebhookSecretView[]> {
    const tenant = requireRole(caller, 'read_only');
    return this.tx.run(tenant, async (manager) => {
      await this.find(manager, tenant.tenantId, webhookId);
      return (await this.secretRows(manager, tenant.tenantId, webhookId)).map(toSecretView);
    });
  }

  /**
   * A new secret, active at once; the current ones stay valid for `overlapSeconds` (default one
   * day) so senders can switch without a refused delivery, then expire.
   */
  async rotateSecret(caller: Principal, webhookId: string, input: RotateSecretBody): Promise<WebhookSecretCreatedView> {
    const tenant = requireRole(caller, 'member');
    const created = await this.tx.run(tenant, async (manager) => {
      const webhook = await this.find(manager, tenant.tenantId, webhookId);
      const overlap = input.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS;
      await manager.query(
        `UPDATE gateway.webhook_secrets SET expires_at = now() + make_interval(secs => $3)
          WHERE tenant_id = $1 AND webhook_id = $2 AND (expires_at IS NULL OR expires_at > now() + make_interval(secs => $3))`,
        [tenant.tenantId, webhookId, overlap],
      );
      const { id, secret } = await this.addSecret(manager, tenant.tenantId, webhookId, webhook.verifier, input.secret);
      const [row] = (await this.secretRows(manager, tenant.tenantId, webhookId)).filter((r) => r.id === id);
      return { ...toSecretView(row), secret };
    });
    this.directory.forget(webhookId);
    return created;
  }

  /** Ends one secret now (a leaked one); the last active secret cannot be ended, rotate instead. */
  async expireSecret(caller: Principal, webhookId: string, secretId: string): Promise<WebhookSecretView> {
    const tenant = requireRole(caller, 'member');
    const expired = await this.tx.run(tenant, async (manager) => {
      await this.find(manager, tenant.tenantId, webhookId);
      const rows = await this.secretRows(manager, tenant.tenantId, webhookId);
      const target = UUID_PATTERN.test(secretId) ? rows.find((r) => r.id === secretId) : undefined;
      if (!target) throw notFound('webhook_secret');
      if (target.active && rows.filter((r) => r.active).length === 1) {
        throw new TributaryError('conflict', 'last_secret', 'This is the only active secret of the webhook; rotate to replace it');
      }
      await manager.query(
        `UPDATE gateway.webhook_secrets SET expires_at = now() WHERE tenant_id = $1 AND id = $2 AND (expires_at IS NULL OR expires_at > now())`,
        [tenant.tenantId, secretId],
      );
      return toSecretView((await this.secretRows(manager, tenant.tenantId, webhookId)).find((r) => r.id === secretId)!);
    });
    this.directory.forget(webhookId);
    return expired;
  }

  private async insert(q: Queryable, tenantId: string, input: NewWebhook): Promise<WebhookCreatedView> {
    const verifier = input.verifier ?? 'standard-webhooks';
    if (input.appId) {
      const [app] = await q.query(`SELECT 1 FROM gateway.apps WHERE tenant_id = $1 AND id = $2`, [tenantId, input.appId]);
      if (!app) throw notFound('app');
    }
    const id = randomUUID();
    await q.query(
      `INSERT INTO gateway.webhooks (id, tenant_id, app_id, name, topic, verifier, rate_limit_per_second) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, tenantId, input.appId ?? null, input.name ?? '', input.topic, verifier, input.rateLimitPerSecond ?? null],
    );
    const { secret } = await this.addSecret(q, tenantId, id, verifier, input.secret);
    return { ...(await this.find(q, tenantId, id)), secret };
  }

  private async addSecret(q: Queryable, tenantId: string, webhookId: string, scheme: VerifierScheme, brought?: string) {
    const verifier = verifierFor(scheme);
    if (brought !== undefined && !verifier.acceptsSecret(brought)) {
      // The message names the rule, never the value.
      throw new TributaryError('invalid', 'secret_invalid', `This is not a usable ${scheme} secret`, { fields: ['secret'] });
    }
    const secret = brought ?? verifier.generateSecret();
    const id = randomUUID();
    const sealed = verifier.storage === 'sealed' ? this.secrets.seal(secret, secretAad({ id: webhookId, tenantId })) : null;
    const hashed = verifier.storage === 'hashed' ? verifier.keyOf(secret) : null;
    await q.query(`INSERT INTO gateway.webhook_secrets (id, tenant_id, webhook_id, sealed, sha256) VALUES ($1, $2, $3, $4, $5)`, [
      id,
      tenantId,
      webhookId,
      sealed,
      hashed,
    ]);
    return { id, secret };
  }

  private secretRows(q: Queryable, tenantId: string, webhookId: string): Promise<SecretRow[]> {
    return q.query<SecretRow>(
      `SELECT id, created_at, expires_at, (expires_at IS NULL OR expires_at > now()) AS active
         FROM gateway.webhook_secrets WHERE tenant_id = $1 AND webhook_id = $2 ORDER BY created_at, id`,
      [tenantId, webhookId],
    );
  }

  private async find(q: Queryable, tenantId: string, id: string): Promise<WebhookView> {
    if (!UUID_PATTERN.test(id)) throw notFound('webhook');
    const [row] = await q.query<WebhookRow>(`SELECT ${COLUMNS} FROM gateway.webhooks w WHERE w.tenant_id = $1 AND w.id = $2`, [tenantId, id]);
    if (!row) throw notFound('webhook');
    return this.toView(row);
  }

  private toView(row: WebhookRow): WebhookView {
    return {
      id: row.id,
      tenantId: row.tenant_id,
      appId: row.app_id,
      name: row.name,
      topic: row.topic,
      verifier: row.verifier,
      url: `${this.config.PUBLIC_URL.replace(/\/$/, '')}/webhooks/${row.id}`,
      enabled: row.disabled_at === null,
      rateLimitPerSecond: row.rate_limit_per_second,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }
}

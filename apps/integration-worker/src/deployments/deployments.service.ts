import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { listedFields, listProblems, TributaryError } from '@tributary/domain';
import { MessagePublisher } from '@tributary/messaging';
import { TenantContext, withTenant, type Principal } from '@tributary/tenancy';
import { parsePayload, Topics } from '@tributary/topics';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DataSource, type EntityManager } from 'typeorm';
import type { IntegrationDefinition } from '../sdk/integration.js';
import { INTEGRATIONS } from '../sdk/integration-runtime.js';
import { RunRecorder } from '../sdk/run-recorder.js';
import { DeploymentDirectory } from './deployment-directory.js';
import type {
  ActionBody,
  CreateActionBody,
  CreateDeploymentBody,
  DeploymentBody,
  IntegrationBody,
  ListRunsQuery,
  RunBody,
  RunRequestedBody,
  UpdateActionBody,
  UpdateDeploymentBody,
} from './deployment.dto.js';

interface DeploymentRow {
  id: string;
  integration: string;
  name: string;
  config: Record<string, unknown>;
  credentials_sealed: string | null;
  allow_private_network: boolean;
  enabled: boolean;
  created_at: Date;
}

interface RunRow {
  id: string;
  tenant_id: string;
  integration: string;
  method: string;
  action_id: string | null;
  trigger: string;
  state: string;
  attempt: number;
  started_at: Date;
  duration_ms: number | null;
  outputs: number;
  response_hash: string | null;
  foreign_id: string | null;
  skip_reason: string | null;
  error_code: string | null;
  error_message: string | null;
  repeated_effects: number;
}

const toDeployment = (r: DeploymentRow): DeploymentBody => ({
  id: r.id,
  integration: r.integration,
  name: r.name,
  config: r.config,
  hasCredentials: r.credentials_sealed !== null,
  allowPrivateNetwork: r.allow_private_network,
  enabled: r.enabled,
  createdAt: new Date(r.created_at).toISOString(),
});

const toRun = (r: RunRow): RunBody => ({
  id: r.id,
  tenantId: r.tenant_id,
  integration: r.integration,
  method: r.method,
  actionId: r.action_id,
  trigger: r.trigger,
  state: r.state,
  attempt: r.attempt,
  startedAt: new Date(r.started_at).toISOString(),
  durationMs: r.duration_ms,
  outputs: r.outputs,
  responseHash: r.response_hash,
  foreignId: r.foreign_id,
  skipReason: r.skip_reason,
  errorCode: r.error_code,
  errorMessage: r.error_message,
  repeatedEffects: r.repeated_effects,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Deployments, actions and runs, per tenant. A tenant key works in its tenant's transaction (row-level
 * security); the platform admin key may run any action and read every run. Credentials go in
 * validated and sealed and never come out: no response, log line or error carries them.
 */
@Injectable()
export class DeploymentsService {
  constructor(
    @Inject(INTEGRATIONS) private readonly integrations: readonly IntegrationDefinition[],
    private readonly dataSource: DataSource,
    private readonly directory: DeploymentDirectory,
    private readonly publisher: MessagePublisher,
    private readonly runs: RunRecorder,
  ) {}

  catalogue(): IntegrationBody[] {
    return this.integrations.map((i) => ({
      name: i.name,
      description: i.description,
      methods: i.routes.map((r) => ({ method: r.method, topic: r.topic.name, onSuccess: r.onSuccess.map((t) => t.topic.name), runs: r.runs, description: r.description })),
    }));
  }

  async create(caller: Principal, body: CreateDeploymentBody): Promise<DeploymentBody> {
    const tenant = TenantContext.of(caller);
    const integration = this.integration(body.integration);
    const config = validated(integration.config, body.config ?? {}, 'deployment_config_invalid', 'config');
    const credentials = validated(integration.credentials, body.credentials ?? {}, 'deployment_credentials_invalid', 'credentials');
    const id = randomUUID();
    const sealed = Object.keys(credentials).length > 0 ? this.directory.seal(id, credentials as Record<string, string>) : null;
    return withTenant(this.dataSource, tenant, async (db) => {
      const [row] = await db.query<DeploymentRow[]>(
        `WITH d AS (
           INSERT INTO worker.deployments (id, tenant_id, integration, name, config, credentials_sealed, allow_private_network)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant_id, integration, name) DO NOTHING RETURNING *
         ) SELECT * FROM d`,
        [id, tenant.tenantId, integration.name, body.name, JSON.stringify(config), sealed, body.allowPrivateNetwork ?? false],
      );
      if (!row) throw new TributaryError('conflict', 'deployment_exists', `A ${integration.name} deployment named "${body.name}" exists`);
      return toDeployment(row);
    });
  }

  /** Changes a deployment: what is given is validated and replaces what was stored (credentials re-sealed). */
  async update(caller: Principal, id: string, body: UpdateDeploymentBody): Promise<DeploymentBody> {
    const tenant = TenantContext.of(caller);
    return withTenant(this.dataSource, tenant, async (db) => {
      const current = await this.deployment(db, id, true);
      const integration = this.integration(current.integration);
      const config = body.config === undefined ? current.config : validated(integration.config, body.config, 'deployment_config_invalid', 'config');
      const credentials = body.credentials === undefined ? undefined : validated(integration.credentials, body.credentials, 'deployment_credentials_invalid', 'credentials');
      const sealed =
        credentials === undefined ? current.credentials_sealed : Object.keys(credentials).length > 0 ? this.directory.seal(current.id, credentials as Record<string, string>) : null;
      const [row] = await db.query<DeploymentRow[]>(
        `WITH d AS (
           UPDATE worker.deployments SET config = $2, credentials_sealed = $3, allow_private_network = $4, enabled = $5, updated_at = now()
            WHERE id = $1 RETURNING *
         ) SELECT * FROM d`,
        [current.id, JSON.stringify(config), sealed, body.allowPrivateNetwork ?? current.allow_private_network, body.enabled ?? current.enabled],
      );
      return toDeployment(row);
    });
  }

  async updateAction(caller: Principal, id: string, body: UpdateActionBody): Promise<ActionBody> {
    const tenant = TenantContext.of(caller);
    await withTenant(this.dataSource, tenant, async (db) => {
      const rows = UUID.test(id)
        ? await db.query<{ id: string }[]>(
            `WITH a AS (
               UPDATE worker.actions SET on_topic = coalesce($2, on_topic), enabled = coalesce($3, enabled) WHERE id = $1 RETURNING id
             ) SELECT id FROM a`,
            [id, body.onTopic ?? null, body.enabled ?? null],
          )
        : [];
      if (rows.length === 0) throw new TributaryError('not_found', 'action_not_found', 'No such action');
    });
    return (await this.listActions(caller)).find((a) => a.id === id)!;
  }

  async list(caller: Principal): Promise<DeploymentBody[]> {
    const tenant = TenantContext.of(caller);
    const rows = await withTenant(this.dataSource, tenant, (db) => db.query<DeploymentRow[]>(`SELECT * FROM worker.deployments ORDER BY created_at, id`));
    return rows.map(toDeployment);
  }

  async get(caller: Principal, id: string): Promise<DeploymentBody> {
    const tenant = TenantContext.of(caller);
    return withTenant(this.dataSource, tenant, async (db) => toDeployment(await this.deployment(db, id)));
  }

  async addAction(caller: Principal, deploymentId: string, body: CreateActionBody): Promise<ActionBody> {
    const tenant = TenantContext.of(caller);
    return withTenant(this.dataSource, tenant, async (db) => {
      const deployment = await this.deployment(db, deploymentId);
      const route = this.integration(deployment.integration).routes.find((r) => r.method === body.method);
      if (!route) throw new TributaryError('invalid', 'method_unknown', `${deployment.integration} has no method "${body.method}"`);
      if (route.runs !== 'per-action') {
        throw new TributaryError('invalid', 'method_not_actionable', `${deployment.integration}.${body.method} runs for every tenant; it takes no actions`);
      }
      const [row] = await db.query<{ id: string; on_topic: boolean; enabled: boolean }[]>(
        `WITH a AS (
           INSERT INTO worker.actions (id, tenant_id, deployment_id, method, on_topic) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (deployment_id, method) DO NOTHING RETURNING id, on_topic, enabled
         ) SELECT * FROM a`,
        [randomUUID(), tenant.tenantId, deployment.id, body.method, body.onTopic ?? true],
      );
      if (!row) throw new TributaryError('conflict', 'action_exists', `The deployment already has an action for ${body.method}`);
      return { id: row.id, deploymentId: deployment.id, integration: deployment.integration, method: body.method, topic: route.topic.name, onTopic: row.on_topic, enabled: row.enabled };
    });
  }

  async listActions(caller: Principal): Promise<ActionBody[]> {
    const tenant = TenantContext.of(caller);
    const rows = await withTenant(this.dataSource, tenant, (db) =>
      db.query<{ id: string; deployment_id: string; integration: string; method: string; on_topic: boolean; enabled: boolean }[]>(
        `SELECT a.id, a.deployment_id, d.integration, a.method, a.on_topic, a.enabled
           FROM worker.actions a JOIN worker.deployments d ON d.id = a.deployment_id ORDER BY a.created_at, a.id`,
      ),
    );
    return rows.map((r) => ({
      id: r.id,
      deploymentId: r.deployment_id,
      integration: r.integration,
      method: r.method,
      topic: this.integration(r.integration).routes.find((x) => x.method === r.method)?.topic.name ?? '',
      onTopic: r.on_topic,
      enabled: r.enabled,
    }));
  }

  /**
   * A run by hand: validates the input against the method's topic, then records the run (`init`)
   * and publishes `integration.action.requested` in one transaction; the worker runs it like any
   * message (retries, dead letters, run history).
   */
  async requestRun(caller: Principal, actionId: string, input: Record<string, unknown> = {}, traceparent?: string): Promise<RunRequestedBody> {
    const action = await this.scoped(caller, (db, tenantId) =>
      db
        .query<{ id: string; tenant_id: string; integration: string; method: string; deployment_id: string; enabled: boolean }[]>(
          `SELECT a.id, a.tenant_id, d.integration, a.method, d.id AS deployment_id, a.enabled AND d.enabled AS enabled
             FROM worker.actions a JOIN worker.deployments d ON d.id = a.deployment_id
            WHERE a.id = $1 AND ($2::uuid IS NULL OR a.tenant_id = $2)`,
          [UUID.test(actionId) ? actionId : '00000000-0000-0000-0000-000000000000', tenantId ?? null],
        )
        .then((rows) => rows[0]),
    );
    if (!action) throw new TributaryError('not_found', 'action_not_found', 'No such action');
    if (!action.enabled) throw new TributaryError('conflict', 'action_disabled', 'The action or its deployment is disabled');
    const route = this.integration(action.integration).routes.find((r) => r.method === action.method);
    if (!route) throw new TributaryError('invalid', 'method_unknown', `${action.integration} has no method "${action.method}" any more`);
    const payload = parsePayload(route.topic, input);
    const runId = randomUUID();
    // Publishing writes the message log, which tenant transactions may not: the action was found in the caller's scope above.
    return this.dataSource.transaction(async (db) => {
      const request = await this.publisher.publish(
        db,
        Topics.actionRequested,
        { actionId: action.id, trigger: 'manual', input: { ...payload }, runId },
        { tenantId: action.tenant_id, traceparent },
      );
      await db.query(
        `INSERT INTO worker.runs (id, tenant_id, integration, method, action_id, deployment_id, trigger, message_id, state)
         VALUES ($1, $2, $3, $4, $5, $6, 'manual', $7, 'init')`,
        [runId, action.tenant_id, action.integration, action.method, action.id, action.deployment_id, request.id],
      );
      return { runId, messageId: request.id };
    });
  }

  async listRuns(caller: Principal, query: ListRunsQuery): Promise<RunBody[]> {
    const rows = await this.scoped(caller, (db) =>
      db.query<RunRow[]>(
        `SELECT * FROM worker.runs WHERE ($1::uuid IS NULL OR action_id = $1) AND ($2::text IS NULL OR state = $2)
          ORDER BY started_at DESC, id LIMIT $3`,
        [query.actionId ?? null, query.state ?? null, query.limit ?? 100],
      ),
    );
    return rows.map(toRun);
  }

  async getRun(caller: Principal, id: string): Promise<RunBody> {
    const [row] = await this.scoped(caller, (db) =>
      db.query<RunRow[]>(`SELECT * FROM worker.runs WHERE id = $1`, [UUID.test(id) ? id : '00000000-0000-0000-0000-000000000000']),
    );
    if (!row) throw new TributaryError('not_found', 'run_not_found', 'No such run');
    return toRun(row);
  }

  /** The platform admin sees every tenant; a tenant key runs in its tenant's transaction. */
  private scoped<T>(caller: Principal, work: (db: EntityManager, tenantId?: string) => Promise<T>): Promise<T> {
    if (caller.kind === 'platform_admin') return this.dataSource.transaction((db) => work(db));
    const tenant = TenantContext.of(caller);
    return withTenant(this.dataSource, tenant, (db) => work(db, tenant.tenantId));
  }

  private async deployment(db: EntityManager, id: string, lock = false): Promise<DeploymentRow> {
    const [row] = UUID.test(id) ? await db.query<DeploymentRow[]>(`SELECT * FROM worker.deployments WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]) : [];
    if (!row) throw new TributaryError('not_found', 'deployment_not_found', 'No such deployment');
    return row;
  }

  private integration(name: string): IntegrationDefinition {
    const integration = this.integrations.find((i) => i.name === name);
    if (!integration) throw new TributaryError('invalid', 'integration_unknown', `No integration "${name}"`);
    return integration;
  }
}

/**
 * Validates a deployment's config or credentials against the integration's class. Errors name the
 * fields only — never a value (a credential must not come back, not even in an error).
 */
function validated(type: (new () => object) | undefined, value: Record<string, unknown>, code: string, what: string): Record<string, unknown> {
  if (!type) {
    if (Object.keys(value).length > 0) throw new TributaryError('invalid', code, `This integration takes no ${what}`);
    return {};
  }
  const instance = plainToInstance(type, value);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const fields = errors.map((e) => e.property);
    throw new TributaryError('invalid', code, `Invalid ${what}: ${listProblems(fields, ', ')}`, { fields: listedFields(fields) });
  }
  return { ...instance } as Record<string, unknown>;
}

import { Injectable, Optional } from '@nestjs/common';
import type { Queryable } from '@tributary/database';
import { TributaryError } from '@tributary/domain';
import { SecretBox } from '@tributary/tenancy';
import type { DeploymentContext } from '../sdk/integration-handler.js';

/** An action as the runtime runs it: which method, for which tenant, with which deployment. */
export interface ActionTarget {
  readonly actionId: string;
  readonly tenantId: string;
  readonly integration: string;
  readonly method: string;
  readonly deployment: DeploymentContext;
  readonly allowPrivateNetwork: boolean;
}

interface TargetRow {
  action_id: string;
  tenant_id: string;
  integration: string;
  method: string;
  deployment_id: string;
  name: string;
  config: Record<string, unknown>;
  credentials_sealed: string | null;
  allow_private_network: boolean;
}

/** The associated data that binds sealed credentials to their deployment row. */
export const credentialsAad = (deploymentId: string) => `worker.deployments:${deploymentId}:credentials`;

/**
 * Finds the actions a message or a request runs, with their deployments' configuration and
 * credentials decrypted (in memory only, for the run).
 */
@Injectable()
export class DeploymentDirectory {
  constructor(@Optional() private readonly box?: SecretBox) {}

  /** The enabled actions of `tenantId` bound to `integration.method` that run on its topic. */
  async onTopic(q: Queryable, tenantId: string, integration: string, method: string): Promise<ActionTarget[]> {
    // SQL: hot path, a message's per-action targets with their deployments (one join, on the runtime's Queryable)
    const rows = await q.query<TargetRow>(
      `SELECT a.id AS action_id, a.tenant_id, d.integration, a.method, d.id AS deployment_id, d.name, d.config,
              d.credentials_sealed, d.allow_private_network
         FROM worker.actions a JOIN worker.deployments d ON d.id = a.deployment_id
        WHERE a.tenant_id = $1 AND d.integration = $2 AND a.method = $3 AND a.enabled AND a.on_topic AND d.enabled
        ORDER BY a.created_at, a.id`,
      [tenantId, integration, method],
    );
    return rows.map((r) => this.toTarget(r));
  }

  /** One action by id (for scheduled and manual runs); undefined when gone or disabled. */
  async action(q: Queryable, tenantId: string, actionId: string): Promise<ActionTarget | undefined> {
    // SQL: hot path, the action an action request names (one join, on the runtime's Queryable)
    const [row] = await q.query<TargetRow>(
      `SELECT a.id AS action_id, a.tenant_id, d.integration, a.method, d.id AS deployment_id, d.name, d.config,
              d.credentials_sealed, d.allow_private_network
         FROM worker.actions a JOIN worker.deployments d ON d.id = a.deployment_id
        WHERE a.tenant_id = $1 AND a.id = $2 AND a.enabled AND d.enabled`,
      [tenantId, actionId],
    );
    return row ? this.toTarget(row) : undefined;
  }

  seal(deploymentId: string, credentials: Record<string, string>): string {
    return this.requireBox().seal(JSON.stringify(credentials), credentialsAad(deploymentId));
  }

  private toTarget(row: TargetRow): ActionTarget {
    const credentials = row.credentials_sealed
      ? (JSON.parse(this.requireBox().open(row.credentials_sealed, credentialsAad(row.deployment_id))) as Record<string, string>)
      : {};
    return {
      actionId: row.action_id,
      tenantId: row.tenant_id,
      integration: row.integration,
      method: row.method,
      deployment: { id: row.deployment_id, name: row.name, config: row.config, credentials },
      allowPrivateNetwork: row.allow_private_network,
    };
  }

  private requireBox(): SecretBox {
    if (!this.box) throw new TributaryError('unavailable', 'encryption_key_missing', 'TRIBUTARY_ENCRYPTION_KEY is not configured on the worker');
    return this.box;
  }
}

import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';
import { InstanceEntity } from '@tributary/database';
import { METRICS_APP, Metrics } from './metrics.js';

const HEARTBEAT_MS = 5_000;

/**
 * Keeps this process's row in `platform.instances` fresh (every 5 s, with the clients it holds), so
 * the operator page can list the replicas that are up across every app; the row goes when the app
 * starts shutting down. A process that dies leaves a row whose heartbeat goes stale.
 */
@Injectable()
export class InstanceHeartbeat implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('InstanceHeartbeat');
  private readonly id: string;
  private readonly startedAt = new Date();
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(METRICS_APP) private readonly app: string,
    private readonly metrics: Metrics,
    private readonly dataSource: DataSource,
  ) {
    this.id = `${app}@${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.beat().catch((error: unknown) => this.beatFailed(error));
    this.timer = setInterval(() => void this.beat().catch((error: unknown) => this.beatFailed(error)), HEARTBEAT_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.dataSource.getRepository(InstanceEntity).delete({ instanceId: this.id }).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    const clients = this.metrics.registry.getSingleMetric('tributary_connected_clients');
    const connected = clients ? ((await clients.get()).values[0]?.value ?? 0) : null;
    // SQL: an upsert that on conflict refreshes only heartbeat_at (to now()) and connected_clients (TypeORM's upsert overwrites every inserted column)
    await this.dataSource.query(
      `INSERT INTO platform.instances (instance_id, app, host, pid, started_at, connected_clients) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (instance_id) DO UPDATE SET heartbeat_at = now(), connected_clients = excluded.connected_clients`,
      [this.id, this.app, hostname(), process.pid, this.startedAt, connected],
    );
  }

  /** A missed heartbeat is logged; the next one tries again. */
  private beatFailed(error: unknown): void {
    this.logger.warn(`heartbeat failed: ${(error as Error).message}`);
  }
}

import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OperatorReadModel } from '../operator-read-model.js';

export const LAG_SAMPLE_EVERY_MS = 15_000;
export const LAG_HISTORY_DAYS = 7;
/** The transaction-level advisory lock a sampling takes (7264004 is the platform gauges'). */
const LAG_SAMPLER_LOCK = 7_264_005;

/**
 * The operator page's lag history. Lag is a state (the log's end minus a group's committed offset), not an event, so
 * its past cannot be computed afterwards: every gateway replica wakes every 15 s and, under a transaction-level advisory
 * lock, writes one sample of every group's lag (into `gateway.operator_lag_samples`, LagSampleEntity) unless one was
 * written in the last 10 s — about one sample per interval for the database, whatever the replicas (two replicas
 * waking together can both write: the chart takes a bucket's highest). Samples older than 7 days are deleted on the way.
 */
@Injectable()
export class LagSampler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('LagSampler');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly readModel: OperatorReadModel,
  ) {}

  onApplicationBootstrap(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), LAG_SAMPLE_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.sample()
      .then(() => undefined)
      .catch((error: Error) => this.logger.warn(`lag sample failed: ${error.message}`))
      .finally(() => (this.running = undefined));
  }

  /** One sampling; false when another replica holds the lock or sampled a moment ago. */
  async sample(): Promise<boolean> {
    const lag = await this.readModel.lag();
    const rows = [...new Map(lag.map((l) => [`${l.group}#${l.topic}`, l])).values()];
    // SQL: one statement (it runs every 15 s on every replica, so it stays cheap): a transaction-level advisory lock,
    // the freshness check, the insert and the expiry as CTEs (no ORM form).
    const [{ sampled }] = await this.dataSource.query<{ sampled: boolean }[]>(
      `WITH locked AS MATERIALIZED (SELECT pg_try_advisory_xact_lock($1) AS ok),
            go AS MATERIALIZED (
              SELECT (SELECT ok FROM locked) AND NOT EXISTS (
                SELECT 1 FROM gateway.operator_lag_samples WHERE sampled_at > now() - make_interval(secs => $2)) AS ok),
            added AS (
              INSERT INTO gateway.operator_lag_samples (sampled_at, group_id, topic, lag)
              SELECT now(), g, t, l FROM unnest($3::text[], $4::text[], $5::bigint[]) AS x(g, t, l) WHERE (SELECT ok FROM go)
              RETURNING 1),
            expired AS (
              DELETE FROM gateway.operator_lag_samples WHERE (SELECT ok FROM go) AND sampled_at < now() - make_interval(days => $6)
              RETURNING 1)
       SELECT ok AS sampled FROM go`,
      [LAG_SAMPLER_LOCK, (LAG_SAMPLE_EVERY_MS * 2) / 3 / 1000, rows.map((r) => r.group), rows.map((r) => r.topic), rows.map((r) => String(r.lag)), LAG_HISTORY_DAYS],
    );
    return sampled;
  }
}

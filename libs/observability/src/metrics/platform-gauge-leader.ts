import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';

/** The advisory lock's key, apart from the others (7264001 migrations, 7264002 deferred messages, 7264803 the MySQL relay). */
export const PLATFORM_GAUGES_LOCK = 7_264_004;

/**
 * The leader of this process, if one of its apps leads. Several apps share a process in the standalone, and an
 * advisory lock is re-entrant within a session: on the embedded database (one session for every connection) each
 * app's attempt would succeed. One per process here, one per database through the lock.
 */
let leaderOfProcess: symbol | undefined;

/**
 * Which process exports the platform-wide gauges (the database's consumer lag, dead letters, deferred
 * messages): the one holding a session-level PostgreSQL advisory lock, on a connection it keeps for
 * that. At each scrape a process without it tries to take it; the holder keeps it until it shuts down
 * (it unlocks) or its connection drops (PostgreSQL frees the lock), then the next process scraped takes
 * over. Every replica of every app would otherwise run the same aggregates and export the same series.
 */
@Injectable()
export class PlatformGaugeLeader implements OnApplicationShutdown {
  private readonly logger = new Logger('PlatformGaugeLeader');
  private runner?: QueryRunner;
  private pending?: Promise<EntityManager | undefined>;
  private closed = false;
  /** This leader, as `leaderOfProcess` names it. */
  private readonly identity = Symbol('PlatformGaugeLeader');

  constructor(private readonly dataSource: DataSource) {}

  /** The lock holder's connection when this process exports the platform gauges, undefined when another does. */
  lead(): Promise<EntityManager | undefined> {
    // One attempt at a time: a scrape collects several gauges at once.
    this.pending ??= this.attempt().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async attempt(): Promise<EntityManager | undefined> {
    if (this.closed) return undefined;
    if (leaderOfProcess && leaderOfProcess !== this.identity) return undefined;
    if (this.runner) {
      try {
        // SQL: a liveness probe of the lock's own connection (the lock lives as long as it does).
        await this.runner.query('SELECT 1');
        return this.runner.manager;
      } catch (error) {
        this.logger.warn(`platform gauges: lost the exporter lock's connection: ${(error as Error).message}`);
        await this.drop();
      }
    }
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      // SQL: a session-level advisory lock (no ORM form), held on this connection while the process exports.
      const [{ locked }] = await runner.manager.query<{ locked: boolean }[]>(`SELECT pg_try_advisory_lock($1) AS locked`, [PLATFORM_GAUGES_LOCK]);
      if (!locked) {
        await runner.release();
        return undefined;
      }
      this.runner = runner;
      leaderOfProcess = this.identity;
      return runner.manager;
    } catch (error) {
      await runner.release().catch(() => undefined);
      throw error;
    }
  }

  private async drop(): Promise<void> {
    const runner = this.runner;
    this.runner = undefined;
    if (leaderOfProcess === this.identity) leaderOfProcess = undefined;
    if (!runner) return;
    // SQL: the advisory lock's release (no ORM form), before the connection goes back to the pool.
    await runner.query(`SELECT pg_advisory_unlock($1)`, [PLATFORM_GAUGES_LOCK]).catch(() => undefined);
    await runner.release().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await this.pending?.catch(() => undefined);
    await this.drop();
  }
}

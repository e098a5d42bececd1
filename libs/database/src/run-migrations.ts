import { DataSource } from 'typeorm';
import type { DatabaseOptions } from './database.module.js';
import { platformMigrations } from './platform.migrations.js';

/** An app's migrations and the platform's (tables every app shares, such as `platform.instances`). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const migrationsOf = (options: Pick<DatabaseOptions, 'migrations'>): Function[] => [
  ...(Array.isArray(options.migrations) ? options.migrations : Object.values(options.migrations)),
  ...platformMigrations,
];

/** One table records every migration of every app and lib, so each set runs once whoever starts first. */
export const MIGRATIONS_TABLE = 'tributary_migrations';

const MIGRATION_LOCK = 7_264_001;

/**
 * Runs the data source's pending migrations under a Postgres advisory lock, so several processes
 * starting at once (replicas, the standalone apps) never run the same migration twice.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    // SQL: an advisory lock (no ORM form)
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    return ran.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}

/**
 * Migrations only, for a migrations Job run before a rollout: a data source with exactly the app's
 * migrations (see `DatabaseModule.optionsOf`), migrated under the advisory lock, then closed.
 */
export async function migrateDatabase(options: Pick<DatabaseOptions, 'url' | 'migrations'>): Promise<string[]> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    migrations: migrationsOf(options),
    migrationsTableName: MIGRATIONS_TABLE,
    synchronize: false,
    extra: { max: 2 },
  });
  await dataSource.initialize();
  try {
    return await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

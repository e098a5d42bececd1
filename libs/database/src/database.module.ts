import { Inject, Injectable, Logger, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { MixedList } from 'typeorm';
import { DataSource, MigrationExecutor } from 'typeorm';
import { CommitSignalSubscriber } from './commit-signal.js';
import { migrationsOf, MIGRATIONS_TABLE, runMigrations } from './run-migrations.js';
import { PLATFORM_ENTITIES } from './platform.entities.js';

export interface DatabaseOptions {
  /** The owning app: names its data source (several apps share a process in standalone mode). */
  readonly name: string;
  readonly url: string;
  /** The app's entities (the platform's are added: see `PLATFORM_ENTITIES`). */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly entities: MixedList<Function>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly migrations: MixedList<Function>;
  readonly poolSize?: number;
  /** Run pending migrations at start (the default; the k8s migration Job turns it off for the apps). */
  readonly migrate?: boolean;
}

const DATABASE_OPTIONS = Symbol('DATABASE_OPTIONS');

/** An app's entities and the platform's (tables every app shares, such as `platform.instances`). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const entitiesOf = (options: Pick<DatabaseOptions, 'entities'>): Function[] => [
  ...new Set([...(Array.isArray(options.entities) ? options.entities : Object.values(options.entities)), ...PLATFORM_ENTITIES]),
];

@Injectable()
class Migrator implements OnModuleInit {
  private readonly logger = new Logger('Database');

  constructor(
    private readonly dataSource: DataSource,
    @Inject(DATABASE_OPTIONS) private readonly options: DatabaseOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.options.migrate === false) return this.requireMigrated();
    const ran = await runMigrations(this.dataSource);
    if (ran.length > 0) this.logger.log({ migrations: ran }, 'migrations applied');
  }

  /** Started without migrating (a migrations Job does it): refuse to run on a schema that is behind the code. */
  private async requireMigrated(): Promise<void> {
    const pending = await new MigrationExecutor(this.dataSource).getPendingMigrations();
    if (pending.length === 0) return;
    throw new Error(
      `${pending.length} migration(s) pending (${pending.map((m) => m.name).join(', ')}) and MIGRATE_ON_START is off: ` +
        `run the migrations first (\`node dist/apps/${this.options.name}/main.js migrate\`, the migrations Job)`,
    );
  }
}

/** The app's one TypeORM data source, migrated at start (unless told otherwise). Never `synchronize`. */
@Module({})
export class DatabaseModule {
  /**
   * The database options of an app's root module (one that imports `DatabaseModule.forRoot`): lets a
   * migrations-only run use exactly the app's migrations without booting the app.
   */
  static optionsOf(appModule: DynamicModule): DatabaseOptions {
    for (const imported of appModule.imports ?? []) {
      if (!imported || typeof imported !== 'object' || !('module' in imported) || imported.module !== DatabaseModule) continue;
      const provider = (imported.providers ?? []).find((p) => typeof p === 'object' && 'provide' in p && p.provide === DATABASE_OPTIONS);
      if (provider && 'useValue' in provider) return provider.useValue as DatabaseOptions;
    }
    throw new Error('The module does not import DatabaseModule.forRoot(...)');
  }

  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          name: options.name,
          useFactory: () => ({
            type: 'postgres',
            url: options.url,
            entities: entitiesOf(options),
            migrations: migrationsOf(options),
            migrationsTableName: MIGRATIONS_TABLE,
            subscribers: [CommitSignalSubscriber],
            synchronize: false,
            migrationsRun: false,
            extra: { max: options.poolSize ?? 10 },
          }),
          dataSourceFactory: (dataSourceOptions) => Promise.resolve(withXid8(new DataSource(dataSourceOptions!))),
        }),
      ],
      providers: [
        { provide: DATABASE_OPTIONS, useValue: options },
        // Code injects `DataSource` by its class whatever the data source's name.
        { provide: DataSource, useExisting: getDataSourceToken(options.name) },
        Migrator,
      ],
      exports: [TypeOrmModule, DataSource],
    };
  }
}

/**
 * PostgreSQL's `xid8` (a transaction id: the event store reads its log in commit order by it) is a column type
 * TypeORM's driver does not list; entities name it as the catalog does, and its values stay strings.
 */
export function withXid8(dataSource: DataSource): DataSource {
  const types = dataSource.driver.supportedDataTypes as string[];
  if (!types.includes('xid8')) types.push('xid8');
  return dataSource;
}

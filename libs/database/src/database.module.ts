import { Inject, Injectable, Logger, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { MixedList } from 'typeorm';
import { DataSource, MigrationExecutor } from 'typeorm';
import { CommitSignalSubscriber } from './commit-signal.js';
import { migrationsOf, MIGRATIONS_TABLE, runMigrations } from './migrations.js';

export interface DatabaseOptions {
  /** The owning app: names its data source (several apps share a process in standalone mode). */
  readonly name: string;
  readonly url: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly entities: MixedList<Function>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly migrations: MixedList<Function>;
  readonly poolSize?: number;
  /** Run pending migrations at start (the default; the k8s migration Job turns it off for the apps). */
  readonly migrate?: boolean;
}

const DATABASE_OPTIONS = Symbol('DATABASE_OPTIONS');

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
        TypeOrmModule.forRoot({
          name: options.name,
          type: 'postgres',
          url: options.url,
          entities: options.entities,
          migrations: migrationsOf(options),
          migrationsTableName: MIGRATIONS_TABLE,
          subscribers: [CommitSignalSubscriber],
          synchronize: false,
          migrationsRun: false,
          extra: { max: options.poolSize ?? 10 },
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

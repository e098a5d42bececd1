import { definePlugin } from '../event-store-plugin.js';
import { BuildEntity } from './build.entity.js';
import { buildsMigrations } from './builds.migrations.js';
import { BuildsModule } from './builds.module.js';

/** probo-db parity: build events → the `builds` projection → probo-db's REST routes, and GraphQL. */
export const buildsPlugin = definePlugin({
  name: 'builds',
  module: BuildsModule,
  entities: [BuildEntity],
  migrations: buildsMigrations,
});

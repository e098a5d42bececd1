import type { Type } from '@nestjs/common';
import type { MigrationInterface } from 'typeorm';
import type { EntityClass } from '../projections/projection.js';

/**
 * A projection plugin: one Nest module bringing its projections (`@Projection()` providers), its
 * REST controllers and GraphQL resolvers; the TypeORM entities of its tables; and the migrations
 * that create them, run with the event store's own. See docs/plugins.md.
 */
export interface EventStorePlugin {
  /** Short and unique; for logs and docs. */
  readonly name: string;
  readonly module: Type<unknown>;
  readonly entities: readonly EntityClass[];
  /** Class names carry a timestamp, like every migration (they share one migrations table). */
  readonly migrations: readonly (new () => MigrationInterface)[];
}

export const definePlugin = (plugin: EventStorePlugin): EventStorePlugin => Object.freeze(plugin);

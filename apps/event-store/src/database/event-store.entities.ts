import { EventEntity } from '../log/event.entity.js';
import { StreamEntity } from '../log/stream.entity.js';
import { PackageStatusEntity } from '../projections/package-status/package-status.entity.js';
import { ProjectionCheckpointEntity } from '../projections/projection-checkpoint.entity.js';
import { ProjectionRebuildEntity } from '../projections/rebuild/projection-rebuild.entity.js';

/**
 * The TypeORM entities of the event_store schema's own tables, one per table. Plugins bring the entities of
 * theirs (`EventStorePlugin.entities`: the builds plugin's `BuildEntity`).
 */
export const EVENT_STORE_ENTITIES = [EventEntity, StreamEntity, ProjectionCheckpointEntity, ProjectionRebuildEntity, PackageStatusEntity];

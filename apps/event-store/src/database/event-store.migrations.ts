import { EventStoreInit1763900002000 } from './migrations/1763900002000-event-store-init.migration.js';
import { EventStoreStreams1764001000100 } from './migrations/1764001000100-event-store-streams.migration.js';
import { EventStoreTenantIsolation1764001000200 } from './migrations/1764001000200-event-store-tenant-isolation.migration.js';
import { EventStoreAppendFunction1764001000400 } from './migrations/1764001000400-event-store-append-function.migration.js';
import { EventStoreTenantEventIds1764001000500 } from './migrations/1764001000500-event-store-tenant-event-ids.migration.js';

/** The event_store schema's migrations, in the order they run (one class per file under `migrations/`). */
export const eventStoreMigrations = [
  EventStoreInit1763900002000,
  EventStoreStreams1764001000100,
  EventStoreTenantIsolation1764001000200,
  EventStoreAppendFunction1764001000400,
  EventStoreTenantEventIds1764001000500,
];

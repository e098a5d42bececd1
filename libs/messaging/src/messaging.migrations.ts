import { MessagingInit1763900000000 } from './migrations/1763900000000-messaging-init.migration.js';
import { MessagingDeferred1764002000000 } from './migrations/1764002000000-messaging-deferred.migration.js';
import { MessagingGroupSeen1765500000000 } from './migrations/1765500000000-messaging-group-seen.migration.js';

/** The messaging schema's migrations, in order (one class per file under `src/migrations/`). */
export const messagingMigrations = [MessagingInit1763900000000, MessagingDeferred1764002000000, MessagingGroupSeen1765500000000];

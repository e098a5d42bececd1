import { PlatformInstances1764004000000 } from './migrations/1764004000000-platform-instances.migration.js';

/** The platform schema's migrations (tables every app shares), in order; every app's data source includes them. */
export const platformMigrations = [PlatformInstances1764004000000];

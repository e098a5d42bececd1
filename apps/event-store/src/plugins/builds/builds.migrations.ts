import { BuildsInit1764001000300 } from './migrations/1764001000300-builds-init.migration.js';

/** The builds plugin's migrations, in the order they run (one class per file under `migrations/`). */
export const buildsMigrations = [BuildsInit1764001000300];

import { ProductsInit1764103183000 } from './migrations/1764103183000-products-init.migration.js';

/** The products plugin's migrations, in the order they run (one class per file under `migrations/`). */
export const productsMigrations = [ProductsInit1764103183000];

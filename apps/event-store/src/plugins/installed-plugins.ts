import { buildsPlugin } from './builds/builds.plugin.js';
import type { EventStorePlugin } from './event-store-plugin.js';
import { productsPlugin } from './products/products.plugin.js';

/** The plugins the event store runs with. Add yours here (see docs/plugins.md). */
export const installedPlugins: readonly EventStorePlugin[] = [buildsPlugin, productsPlugin];

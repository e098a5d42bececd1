import { ChangeSinkInit1763900003000 } from './migrations/1763900003000-change-sink-init.migration.js';
import { ChangeSinkCapture1764003000000 } from './migrations/1764003000000-change-sink-capture.migration.js';
import { ChangeSinkIsolation1764003000100 } from './migrations/1764003000100-change-sink-isolation.migration.js';
import { ChangeSinkRetention1764003000200 } from './migrations/1764003000200-change-sink-retention.migration.js';
import { ChangeSinkNotifyOnce1764003000300 } from './migrations/1764003000300-change-sink-notify-once.migration.js';
import { ChangeSinkTraceparent1765700000000 } from './migrations/1765700000000-change-sink-traceparent.migration.js';

export { ChangeSinkInit1763900003000, ChangeSinkCapture1764003000000, ChangeSinkIsolation1764003000100, ChangeSinkRetention1764003000200, ChangeSinkNotifyOnce1764003000300, ChangeSinkTraceparent1765700000000 };

/** The change_sink schema's migrations, in the order they run (one class per file under `migrations/`). */
export const changeSinkMigrations = [
  ChangeSinkInit1763900003000,
  ChangeSinkCapture1764003000000,
  ChangeSinkIsolation1764003000100,
  ChangeSinkRetention1764003000200,
  ChangeSinkNotifyOnce1764003000300,
  ChangeSinkTraceparent1765700000000,
];

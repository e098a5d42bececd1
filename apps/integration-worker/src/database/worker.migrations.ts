import { WorkerInit1764002000100 } from './migrations/1764002000100-worker-init.migration.js';
import { WorkerDeployments1764002000200 } from './migrations/1764002000200-worker-deployments.migration.js';
import { WorkerTracking1764002000300 } from './migrations/1764002000300-worker-tracking.migration.js';
import { WorkerSchedules1764002000400 } from './migrations/1764002000400-worker-schedules.migration.js';
import { WorkerDeadLetterIsolation1764002000500 } from './migrations/1764002000500-worker-dead-letter-isolation.migration.js';
import { WorkerNotificationTemplates1764002000600 } from './migrations/1764002000600-worker-notification-templates.migration.js';
import { WorkerRunsByStart1764102000000 } from './migrations/1764102000000-worker-runs-by-start.migration.js';
import { WorkerEffectRepeats1764102000100 } from './migrations/1764102000100-worker-effect-repeats.migration.js';
import { WorkerRunRepeats1764102000200 } from './migrations/1764102000200-worker-run-repeats.migration.js';
import { WorkerActionData1765102001800 } from './migrations/1765102001800-worker-action-data.migration.js';
import { WorkerQueues1765203100000 } from './migrations/1765203100000-worker-queues.migration.js';
import { WorkerIngestLog1765203000000 } from './migrations/1765203000000-worker-ingest-log.migration.js';
import { WorkerIngestLogRuns1765303000000 } from './migrations/1765303000000-worker-ingest-log-runs.migration.js';
import { WorkerCarrierPollBudgets1765403000000 } from './migrations/1765403000000-worker-carrier-poll-budgets.migration.js';

/** The worker schema's migrations, in the order they run (one class per file under `migrations/`). */
export const workerMigrations = [
  WorkerInit1764002000100,
  WorkerDeployments1764002000200,
  WorkerTracking1764002000300,
  WorkerSchedules1764002000400,
  WorkerDeadLetterIsolation1764002000500,
  WorkerNotificationTemplates1764002000600,
  WorkerRunsByStart1764102000000,
  WorkerEffectRepeats1764102000100,
  WorkerRunRepeats1764102000200,
  WorkerActionData1765102001800,
  WorkerIngestLog1765203000000,
  WorkerQueues1765203100000,
  WorkerIngestLogRuns1765303000000,
  WorkerCarrierPollBudgets1765403000000,
];

import type { INestApplicationContext } from '@nestjs/common';

/**
 * On SIGTERM or SIGINT: close the app — readiness turns false, consumers finish the message in hand
 * and commit, connections close — then exit 0. If that takes longer than `graceMs` (keep it under
 * the orchestrator's grace period), exit 1 so the process never lingers.
 */
export function exitOnSignals(app: INestApplicationContext, graceMs = 25_000): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const deadline = setTimeout(() => {
      process.stderr.write(`${signal}: shutdown took longer than ${graceMs} ms; exiting\n`);
      process.exit(1);
    }, graceMs);
    deadline.unref();
    try {
      await app.close();
      process.exit(0);
    } catch (error) {
      process.stderr.write(`${signal}: shutdown failed: ${(error as Error).message}\n`);
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

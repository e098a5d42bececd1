import { TributaryError } from '@tributary/domain';
import { Cron } from 'croner';

/** Validates a cron expression (5 fields, or 6 with seconds) and an IANA time zone; throws `schedule_invalid`. */
export function parseCron(expression: string, timeZone: string): Cron {
  try {
    new Intl.DateTimeFormat('en', { timeZone }).format();
  } catch {
    throw new TributaryError('invalid', 'schedule_invalid', `"${timeZone}" is not an IANA time zone`, { fields: ['timeZone'] });
  }
  try {
    return new Cron(expression, { timezone: timeZone, paused: true });
  } catch (error) {
    throw new TributaryError('invalid', 'schedule_invalid', `Invalid cron expression: ${(error as Error).message}`, { fields: ['cron'] });
  }
}

/** The first tick strictly after `after`. */
export function nextTick(cron: Cron, after: Date): Date {
  const next = cron.nextRun(after);
  if (!next) throw new TributaryError('invalid', 'schedule_invalid', 'The cron expression never fires again', { fields: ['cron'] });
  return next;
}

/**
 * Catch-up after downtime: of the ticks from `due` up to `now`, only the latest fires (one firing per
 * schedule, not one per missed tick). Returns that tick and the first tick after `now`.
 */
export function coalesce(cron: Cron, due: Date, now: Date): { tick: Date; next: Date } {
  let tick = due;
  for (let i = 0; i < 100_000; i++) {
    const next = nextTick(cron, tick);
    if (next.getTime() > now.getTime()) return { tick, next };
    tick = next;
  }
  return { tick, next: nextTick(cron, now) };
}

import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { describeError } from '../retry-policy.js';

/** Names this process in its NOTIFY payloads: its own consumers were woken in process already, and skip them. */
export const THIS_PROCESS = randomUUID().slice(0, 8);

/** A NOTIFY payload: the process that sent it, and the `topic#partition` written to. */
export const wakeupPayload = (slot: string): string => `${THIS_PROCESS} ${slot}`;

/** The partition a NOTIFY payload names, or undefined when this process sent it; a bare topic from an older publisher as it is. */
export function wokenSlot(payload: string): string | undefined {
  const space = payload.indexOf(' ');
  if (space < 0) return payload;
  return payload.slice(0, space) === THIS_PROCESS ? undefined : payload.slice(space + 1);
}

/**
 * Wakes the consumers of other processes (LISTEN on `channel`, a real server only) once messages of
 * a partition were committed (the payload names it: `topic#partition`). Sent after the appending
 * transaction, on a connection of its own: a NOTIFY inside the transaction takes the server's
 * notification lock at commit, which serialises every appending commit of the server. Coalesced: the partitions committed while one NOTIFY is on its way go
 * in the next one, so a burst of appends costs a statement or two, not one each. A lost wake-up
 * costs only latency: consumers poll the partitions' heads as a safety net.
 */
export class CrossProcessWakeup {
  private readonly pending = new Set<string>();
  private sending?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly channel: string,
    private readonly logger: LoggerService,
  ) {}

  /** Notifies each of `payloads` (`topic#partition`) soon; never throws. */
  notify(payloads: Iterable<string>): void {
    for (const payload of payloads) this.pending.add(wakeupPayload(payload));
    this.sending ??= this.send().finally(() => {
      this.sending = undefined;
      // A payload added while the last NOTIFY's promise settled: send it too.
      if (this.pending.size > 0) this.notify([]);
    });
  }

  /** Resolves once every payload notified so far has been sent (or failed to be). */
  async flushed(): Promise<void> {
    while (this.sending) await this.sending;
  }

  private async send(): Promise<void> {
    while (this.pending.size > 0) {
      const payloads = [...this.pending];
      this.pending.clear();
      // SQL: NOTIFY (no ORM form), many payloads from an unnest array
      await this.dataSource
        .query(`SELECT count(pg_notify($1, p)) AS n FROM unnest($2::text[]) AS p`, [this.channel, payloads])
        .catch((error: unknown) => this.logger.warn(`Could not wake other processes' consumers: ${describeError(error).message}`));
    }
  }
}

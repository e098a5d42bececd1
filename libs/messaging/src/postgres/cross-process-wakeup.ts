import type { LoggerService } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { describeError } from '../retry-policy.js';

/**
 * Wakes the consumers of other processes (LISTEN on `channel`, a real server only) once messages of
 * a topic were committed. Sent after the appending transaction, on a connection of its own: a NOTIFY
 * inside the transaction takes the server's notification lock at commit, which serialises every
 * appending commit of the server. Coalesced: the topics committed while one NOTIFY is on its way go
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

  /** Notifies `topics` soon; never throws. */
  notify(topics: Iterable<string>): void {
    for (const topic of topics) this.pending.add(topic);
    this.sending ??= this.send().finally(() => (this.sending = undefined));
  }

  /** Resolves once every topic notified so far has been sent (or failed to be). */
  async flushed(): Promise<void> {
    while (this.sending) await this.sending;
  }

  private async send(): Promise<void> {
    while (this.pending.size > 0) {
      const topics = [...this.pending];
      this.pending.clear();
      await this.dataSource
        .query(`SELECT count(pg_notify($1, t)) AS n FROM unnest($2::text[]) AS t`, [this.channel, topics])
        .catch((error: unknown) => this.logger.warn(`Could not wake other processes' consumers: ${describeError(error).message}`));
    }
  }
}

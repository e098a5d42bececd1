import type { PGlite } from '@electric-sql/pglite';
import { Logger } from '@nestjs/common';

type OnData = (data: Uint8Array) => void;

interface Unit {
  readonly handlerId: number;
  readonly messages: Uint8Array[];
  readonly onData: OnData;
  resolve(bytes: number): void;
  reject(error: unknown): void;
}

// Extended-protocol messages that only make sense together with the ones up to the next Sync:
// Parse, Bind, Describe, Execute, Close.
const EXTENDED = new Set([0x50, 0x42, 0x44, 0x45, 0x43]);

const logger = new Logger('EmbeddedPostgres');

/**
 * Replaces pglite-socket's query queue, which runs each protocol message on its own: with several
 * connections, one connection's Parse/Bind/Execute interleave with another's on PGlite's single
 * session and fail ("portal does not exist"). This queue runs a connection's messages up to its
 * Sync (or a simple Query) as one unit, and while a unit leaves a transaction open only that
 * connection's units run — the single session is then shared safely, one unit at a time.
 */
export class PGliteUnitQueue {
  private readonly buffered = new Map<number, Uint8Array[]>();
  private queue: Unit[] = [];
  private processing = false;
  private transactionOwner: number | null = null;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: OnData): Promise<number> {
    const pending = this.buffered.get(handlerId) ?? [];
    pending.push(message);
    if (EXTENDED.has(message[0])) {
      this.buffered.set(handlerId, pending);
      return Promise.resolve(0);
    }
    this.buffered.delete(handlerId);
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, messages: pending, onData, resolve, reject });
      // Rejects only if a unit's own error handling threw: the units still queued run with the next enqueue.
      void this.process().catch((error) => logger.error(`Query queue failed: ${(error as Error).message}`));
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.buffered.delete(handlerId);
    this.queue = this.queue.filter((unit) => {
      if (unit.handlerId !== handlerId) return true;
      unit.reject(new Error('Handler disconnected'));
      return false;
    });
  }

  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.transactionOwner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.transactionOwner = null;
    await this.process();
  }

  private next(): Unit | undefined {
    if (this.transactionOwner === null) return this.queue.shift();
    const index = this.queue.findIndex((u) => u.handlerId === this.transactionOwner);
    return index === -1 ? undefined : this.queue.splice(index, 1)[0];
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (let unit = this.next(); unit; unit = this.next()) {
        const current = unit;
        let bytes = 0;
        try {
          await this.db.runExclusive(async () => {
            for (const message of current.messages) {
              await this.db.execProtocolRawStream(message, {
                onRawData: (data: Uint8Array) => {
                  bytes += data.length;
                  current.onData(data);
                },
              });
            }
          });
          this.transactionOwner = this.db.isInTransaction() ? current.handlerId : null;
          current.resolve(bytes);
        } catch (error) {
          this.transactionOwner = this.db.isInTransaction() ? current.handlerId : null;
          current.reject(error);
        }
      }
    } finally {
      this.processing = false;
    }
  }
}

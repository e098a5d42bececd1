import { ErrorCode } from './error-codes.js';
import { decodeStoredBatch, storeAt, type DecodedRecord, type ProducedBatch, type StoredBatch } from './record-batch.js';

/** One partition's log: batches in offset order, kept in memory until the topic is deleted. */
export class PartitionLog {
  private readonly batches: StoredBatch[] = [];
  private endOffset = 0n;

  /** Nothing is ever truncated, so the log always starts at 0. */
  get logStartOffset(): bigint {
    return 0n;
  }

  /** The offset the next record gets (also the high watermark: there are no followers to wait for). */
  get logEndOffset(): bigint {
    return this.endOffset;
  }

  /** Appends the batches in order; returns the offset of the first record. */
  append(batches: readonly ProducedBatch[]): bigint {
    const baseOffset = this.endOffset;
    for (const batch of batches) {
      this.batches.push(storeAt(batch, this.endOffset));
      this.endOffset += BigInt(batch.recordCount);
    }
    return baseOffset;
  }

  /**
   * Whole batches from the one holding `fetchOffset`, up to `maxBytes`. The first batch is returned
   * even when larger than `maxBytes` if `oversizedFirst` (KIP-74), so a big record cannot stall a consumer.
   */
  read(fetchOffset: bigint, maxBytes: number, oversizedFirst: boolean): StoredBatch[] {
    const read: StoredBatch[] = [];
    let bytes = 0;
    for (let i = this.indexOfBatchHolding(fetchOffset); i < this.batches.length; i++) {
      const batch = this.batches[i];
      const fits = bytes + batch.bytes.length <= maxBytes || (read.length === 0 && oversizedFirst);
      if (!fits) break;
      read.push(batch);
      bytes += batch.bytes.length;
    }
    return read;
  }

  /** The first record whose timestamp is at or after `timestamp` (ListOffsets by time). */
  recordAtOrAfter(timestamp: bigint): DecodedRecord | undefined {
    for (const batch of this.batches) {
      if (batch.maxTimestamp < timestamp) continue;
      const record = decodeStoredBatch(batch).find((r) => r.timestamp >= timestamp);
      if (record) return record;
    }
    return undefined;
  }

  records(): DecodedRecord[] {
    return this.batches.flatMap(decodeStoredBatch);
  }

  /** Binary search: the first batch whose last offset is at or after `offset`. */
  private indexOfBatchHolding(offset: bigint): number {
    let low = 0;
    let high = this.batches.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const batch = this.batches[middle];
      if (batch.baseOffset + BigInt(batch.recordCount) <= offset) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

type AppendListener = (topic: string, partition: number) => void;

const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** Why Kafka would refuse this topic name, if it would. */
export function topicNameError(name: string): ErrorCode | undefined {
  return LEGAL_TOPIC_NAME.test(name) && name !== '.' && name !== '..' ? undefined : ErrorCode.INVALID_TOPIC_EXCEPTION;
}

/** All topics and their partition logs, in memory. */
export class TopicStore {
  private readonly topics = new Map<string, PartitionLog[]>();
  private readonly appendListeners = new Set<AppendListener>();

  names(): string[] {
    return [...this.topics.keys()].sort();
  }

  has(topic: string): boolean {
    return this.topics.has(topic);
  }

  partitions(topic: string): readonly PartitionLog[] | undefined {
    return this.topics.get(topic);
  }

  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.topics.get(topic)?.[partition];
  }

  create(topic: string, partitions: number): void {
    this.topics.set(
      topic,
      Array.from({ length: partitions }, () => new PartitionLog()),
    );
  }

  delete(topic: string): boolean {
    return this.topics.delete(topic);
  }

  append(topic: string, partition: number, batches: readonly ProducedBatch[]): bigint {
    const log = this.partition(topic, partition);
    if (!log) throw new Error(`no partition ${topic}#${partition}`);
    const baseOffset = log.append(batches);
    for (const listener of this.appendListeners) listener(topic, partition);
    return baseOffset;
  }

  /**
   * Resolves when a record is appended to a partition `wanted` accepts, when `timeoutMs` passes, or
   * when `signal` aborts (the connection closed) — whichever comes first. This is what lets a fetch
   * long-poll instead of making the client spin.
   */
  waitForAppend(wanted: (topic: string, partition: number) => boolean, timeoutMs: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.appendListeners.delete(listener);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const listener: AppendListener = (topic, partition) => {
        if (wanted(topic, partition)) done();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      this.appendListeners.add(listener);
      signal.addEventListener('abort', done, { once: true });
      if (signal.aborted) done();
    });
  }
}

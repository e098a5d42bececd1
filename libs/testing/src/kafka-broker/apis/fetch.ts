import { ApiKey, NO_THROTTLE, type ApiHandler, type BrokerContext } from '../api.js';
import type { KafkaReader } from '../codec/reader.js';
import { KafkaWriter } from '../codec/writer.js';
import { ErrorCode } from '../error-codes.js';
import type { StoredBatch } from '../record-batch.js';

interface FetchRequest {
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly topics: readonly {
    readonly name: string;
    readonly partitions: readonly { readonly partition: number; readonly fetchOffset: bigint; readonly maxBytes: number }[];
  }[];
}

interface PartitionData {
  readonly partition: number;
  readonly errorCode: ErrorCode;
  readonly highWatermark: bigint;
  readonly batches: readonly StoredBatch[];
}

interface FetchResult {
  readonly topics: readonly { readonly name: string; readonly partitions: readonly PartitionData[] }[];
  readonly bytes: number;
  readonly failed: boolean;
}

/**
 * Fetch v4, the lowest version returning record batch v2. Long polling as in Kafka: with fewer than
 * `minBytes` available the response is held until a record lands in one of the requested partitions
 * or `maxWaitTime` passes, so an idle consumer waits instead of spinning.
 */
export const fetch: ApiHandler = {
  apiKey: ApiKey.Fetch,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 4,
  async handle(request, _version, broker, context) {
    const fetchRequest = readRequest(request);
    const deadline = Date.now() + fetchRequest.maxWaitMs;
    const wanted = new Set(fetchRequest.topics.flatMap((t) => t.partitions.map((p) => `${t.name}#${p.partition}`)));
    let result = read(broker, fetchRequest);
    // Errors are answered at once, like Kafka: waiting would only delay the client's recovery.
    while (!result.failed && result.bytes < fetchRequest.minBytes && Date.now() < deadline) {
      await broker.store.waitForAppend((topic, partition) => wanted.has(`${topic}#${partition}`), deadline - Date.now(), context.signal);
      if (context.signal.aborted) return null;
      result = read(broker, fetchRequest);
    }
    return encode(result);
  },
};

function readRequest(request: KafkaReader): FetchRequest {
  request.int32(); // replica id: always a consumer here
  const maxWaitMs = request.int32();
  const minBytes = request.int32();
  const maxBytes = request.int32();
  request.int8(); // isolation level: without transactions every record is committed
  const topics = request.array((r) => ({
    name: r.string(),
    partitions: r.array((p) => ({ partition: p.int32(), fetchOffset: p.int64(), maxBytes: p.int32() })),
  }));
  return { maxWaitMs, minBytes, maxBytes, topics };
}

function read(broker: BrokerContext, request: FetchRequest): FetchResult {
  let bytes = 0;
  let failed = false;
  const topics = request.topics.map(({ name, partitions }) => ({
    name,
    partitions: partitions.map(({ partition, fetchOffset, maxBytes }): PartitionData => {
      const log = broker.store.partition(name, partition);
      const unanswered = { partition, highWatermark: -1n, batches: [] };
      if (!log) {
        failed = true;
        return { ...unanswered, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
      }
      if (fetchOffset < log.logStartOffset || fetchOffset > log.logEndOffset) {
        failed = true;
        return { ...unanswered, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, highWatermark: log.logEndOffset };
      }
      // The response limit counts across partitions; the first batch of the response always goes (KIP-74).
      const budget = Math.max(0, Math.min(maxBytes, request.maxBytes - bytes));
      const batches = log.read(fetchOffset, budget, bytes === 0);
      bytes += batches.reduce((sum, b) => sum + b.bytes.length, 0);
      return { partition, errorCode: ErrorCode.NONE, highWatermark: log.logEndOffset, batches };
    }),
  }));
  return { topics, bytes, failed };
}

function encode(result: FetchResult): KafkaWriter {
  return new KafkaWriter().int32(NO_THROTTLE).array(result.topics, (w, topic) =>
    w.string(topic.name).array(topic.partitions, (p, data) => {
      p.int32(data.partition)
        .int16(data.errorCode)
        .int64(data.highWatermark)
        .int64(data.highWatermark) // last stable offset: no open transactions, so the high watermark
        .array([], () => undefined) // aborted transactions
        .int32(data.batches.reduce((sum, b) => sum + b.bytes.length, 0));
      for (const batch of data.batches) p.raw(batch.bytes);
    }),
  );
}

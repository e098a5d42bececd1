import { gunzipSync } from 'node:zlib';
import { crc32c } from './codec/crc32c.js';
import { KafkaReader } from './codec/reader.js';
import { ErrorCode } from './error-codes.js';

// Byte positions inside a record batch v2 (magic 2), counted from its base offset.
const BASE_OFFSET = 0;
const BATCH_LENGTH = 8;
const LOG_OVERHEAD = 12; // base offset + batch length: the part the batch length does not count
const PARTITION_LEADER_EPOCH = 12;
const MAGIC = 16;
const CRC = 17;
const ATTRIBUTES = 21; // the CRC covers everything from here to the end
const LAST_OFFSET_DELTA = 23;
const FIRST_TIMESTAMP = 27;
const MAX_TIMESTAMP = 35;
const RECORD_COUNT = 57;
const RECORDS = 61;

const CODEC_MASK = 0x07;
const NO_COMPRESSION = 0;
const GZIP = 1;
const KNOWN_BUT_UNSUPPORTED_CODECS = new Set([2, 3, 4]); // snappy, lz4, zstd

export interface RecordHeader {
  readonly key: string;
  readonly value: Buffer | null;
}

export interface DecodedRecord {
  readonly offset: bigint;
  readonly timestamp: bigint;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RecordHeader[];
}

/** A validated batch from a produce request, before the log gives it offsets. */
export interface ProducedBatch {
  readonly bytes: Buffer;
  readonly recordCount: number;
}

/**
 * A batch as the log keeps it: the producer's bytes with the assigned base offset written in. Kafka
 * itself stores batches this way; the base offset lies outside the CRC, so fetches can hand the
 * bytes out unchanged (compressed batches included) and the client filters offsets below its
 * fetch offset, as it must against a real broker.
 */
export interface StoredBatch {
  readonly baseOffset: bigint;
  readonly recordCount: number;
  readonly maxTimestamp: bigint;
  readonly bytes: Buffer;
}

/** A produce request's record set the broker refuses, with the error code to answer. */
export class RecordBatchError extends Error {
  override readonly name = 'RecordBatchError';

  constructor(
    readonly errorCode: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Splits a produced record set into batches, validating each the way a broker does before appending. */
export function parseRecordSet(recordSet: Buffer | null): ProducedBatch[] {
  if (recordSet === null || recordSet.length === 0) throw new RecordBatchError(ErrorCode.CORRUPT_MESSAGE, 'empty record set');
  const batches: ProducedBatch[] = [];
  let position = 0;
  while (position < recordSet.length) {
    if (recordSet.length - position < RECORDS) throw new RecordBatchError(ErrorCode.CORRUPT_MESSAGE, 'truncated batch header');
    const size = LOG_OVERHEAD + recordSet.readInt32BE(position + BATCH_LENGTH);
    if (size < RECORDS || position + size > recordSet.length) {
      throw new RecordBatchError(ErrorCode.CORRUPT_MESSAGE, 'batch length exceeds the record set');
    }
    // A copy: a view would keep the whole request buffer alive for as long as the log lives.
    const bytes = Buffer.from(recordSet.subarray(position, position + size));
    batches.push({ bytes, recordCount: validateBatch(bytes) });
    position += size;
  }
  return batches;
}

export function storeAt(batch: ProducedBatch, baseOffset: bigint): StoredBatch {
  batch.bytes.writeBigInt64BE(baseOffset, BASE_OFFSET);
  batch.bytes.writeInt32BE(0, PARTITION_LEADER_EPOCH); // one broker, one leader epoch
  return {
    baseOffset,
    recordCount: batch.recordCount,
    maxTimestamp: batch.bytes.readBigInt64BE(MAX_TIMESTAMP),
    bytes: batch.bytes,
  };
}

/** The records of a stored batch, with absolute offsets and timestamps (for inspection and timestamp lookups). */
export function decodeStoredBatch(batch: StoredBatch): DecodedRecord[] {
  const firstTimestamp = batch.bytes.readBigInt64BE(FIRST_TIMESTAMP);
  return decodeRecords(batch.bytes).map(({ offsetDelta, timestampDelta, key, value, headers }) => ({
    offset: batch.baseOffset + BigInt(offsetDelta),
    timestamp: firstTimestamp + timestampDelta,
    // Copies: the decoded fields are views into the log, which callers must not be able to change.
    key: copy(key),
    value: copy(value),
    headers: headers.map((header) => ({ key: header.key, value: copy(header.value) })),
  }));
}

const copy = (bytes: Buffer | null): Buffer | null => (bytes === null ? null : Buffer.from(bytes));

/** Returns the record count of a well-formed batch, or throws the error a broker would answer. */
function validateBatch(bytes: Buffer): number {
  const magic = bytes.readInt8(MAGIC);
  if (magic !== 2) {
    throw new RecordBatchError(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, `message format v${magic}; only record batch v2`);
  }
  if (crc32c(bytes.subarray(ATTRIBUTES)) !== bytes.readUInt32BE(CRC)) {
    throw new RecordBatchError(ErrorCode.CORRUPT_MESSAGE, 'CRC32C mismatch');
  }
  const records = decodeRecords(bytes);
  // Offsets are assigned per batch (base + delta), so the deltas must count 0..n-1 without gaps.
  const sequential = records.every((record, index) => record.offsetDelta === index);
  if (records.length === 0 || !sequential || bytes.readInt32BE(LAST_OFFSET_DELTA) !== records.length - 1) {
    throw new RecordBatchError(ErrorCode.CORRUPT_MESSAGE, 'record offset deltas are not 0..n-1');
  }
  return records.length;
}

interface RawRecord {
  readonly offsetDelta: number;
  readonly timestampDelta: bigint;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: RecordHeader[];
}

function decodeRecords(bytes: Buffer): RawRecord[] {
  const count = bytes.readInt32BE(RECORD_COUNT);
  const reader = new KafkaReader(recordsSection(bytes));
  try {
    const records: RawRecord[] = [];
    for (let i = 0; i < count; i++) records.push(decodeRecord(new KafkaReader(reader.take(reader.varint()))));
    if (reader.remaining !== 0) throw new Error(`${reader.remaining} bytes after the last record`);
    return records;
  } catch (error) {
    if (error instanceof RecordBatchError) throw error;
    throw new RecordBatchError(ErrorCode.CORRUPT_MESSAGE, `undecodable records: ${(error as Error).message}`);
  }
}

function recordsSection(bytes: Buffer): Buffer {
  const codec = bytes.readInt16BE(ATTRIBUTES) & CODEC_MASK;
  const section = bytes.subarray(RECORDS);
  if (codec === NO_COMPRESSION) return section;
  if (KNOWN_BUT_UNSUPPORTED_CODECS.has(codec)) {
    throw new RecordBatchError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `compression codec ${codec} is not supported (gzip only)`);
  }
  if (codec !== GZIP) throw new RecordBatchError(ErrorCode.CORRUPT_MESSAGE, `unknown compression codec ${codec}`);
  try {
    return gunzipSync(section);
  } catch (error) {
    throw new RecordBatchError(ErrorCode.CORRUPT_MESSAGE, `gzip: ${(error as Error).message}`);
  }
}

function decodeRecord(reader: KafkaReader): RawRecord {
  reader.int8(); // record attributes: unused by the format so far
  const timestampDelta = reader.varlong();
  const offsetDelta = reader.varint();
  const key = reader.varintBytes();
  const value = reader.varintBytes();
  const headerCount = reader.varint();
  const headers: RecordHeader[] = [];
  for (let i = 0; i < headerCount; i++) {
    const headerKey = reader.varintString();
    if (headerKey === null) throw new Error('null header key');
    headers.push({ key: headerKey, value: reader.varintBytes() });
  }
  return { offsetDelta, timestampDelta, key, value, headers };
}

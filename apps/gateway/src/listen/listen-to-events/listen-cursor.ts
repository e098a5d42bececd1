import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { TributaryError } from '@tributary/domain';

/** Where a listener has read up to: the next offset of each partition of the message log (`topic#partition` → offset). */
export type ListenCursor = Map<string, bigint>;

/** A PostgreSQL bigint's largest value: an offset past it is no offset of the log. */
const MAX_OFFSET = 9_223_372_036_854_775_807n;
/** The most a cursor inflates to: far above any log's (a cursor is at most 16 KiB on the wire), a bound on a forged one. */
const MAX_INFLATED_BYTES = 1024 * 1024;

export const partitionKey = (topic: string, partition: number) => `${topic}#${partition}`;

/**
 * The cursor on the wire: `topic:partition:next` entries joined by commas, deflated, base64url (opaque to clients).
 * It names every partition of the log, so it is deflated (the topic names repeat): uncompressed, a log of a few hundred
 * partitions gave a cursor longer than a request line may be (16 KiB), which no listener could resume after.
 */
export function encodeCursor(cursor: ListenCursor): string {
  const entries = [...cursor].map(([key, next]) => {
    const at = key.lastIndexOf('#');
    return `${key.slice(0, at)}:${key.slice(at + 1)}:${next}`;
  });
  return deflateRawSync(Buffer.from(entries.join(','), 'utf8')).toString('base64url');
}

/** A cursor this API gave out; anything else is 400 `cursor_invalid`. */
export function decodeCursor(text: string): ListenCursor {
  const invalid = () => new TributaryError('invalid', 'cursor_invalid', '`after` is not a cursor /v1/listen sent');
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw invalid();
  const cursor: ListenCursor = new Map();
  if (text === '') return cursor;
  let decoded: string;
  try {
    decoded = inflateRawSync(Buffer.from(text, 'base64url'), { maxOutputLength: MAX_INFLATED_BYTES }).toString('utf8');
  } catch {
    throw invalid();
  }
  if (decoded === '') return cursor;
  for (const entry of decoded.split(',')) {
    const match = /^([a-z0-9][a-z0-9._-]*):(\d{1,5}):(\d{1,19})$/.exec(entry);
    if (!match || BigInt(match[3]) > MAX_OFFSET) throw invalid();
    cursor.set(partitionKey(match[1], Number(match[2])), BigInt(match[3]));
  }
  return cursor;
}

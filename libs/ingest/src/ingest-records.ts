import { createHash } from 'node:crypto';
import { TributaryError } from '@tributary/domain';
import type { IngestEntryColumns } from './ingest-entry-columns.js';
import type { IngestEntryView } from './ingest-entry.dto.js';

/** Bodies up to this size are kept in an ingest log; larger ones by their SHA-256 and size only. */
export const INGEST_BODY_LIMIT = 64 * 1024;

export const sha256Hex = (content: Buffer | string): string => createHash('sha256').update(content).digest('hex');

/** The natural key of an entry: what makes two answers "the same" (a retry), hashed so it has one short form. */
export const deliveryKey = (parts: ReadonlyArray<string | number | null>): string => sha256Hex(JSON.stringify(parts));

/** An ISO 8601 instant the validator let through, as a Date PostgreSQL can store (it has no year 0). */
export function instant(value: string, name: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1) throw new TributaryError('invalid', 'validation_failed', `${name} is out of range`);
  return date;
}

export const toIngestEntryView = (e: IngestEntryColumns): IngestEntryView => ({
  id: e.id,
  actor: { kind: e.actorKind, id: e.actorId },
  sourceIp: e.sourceIp,
  extId: e.extId,
  contentHash: e.contentHash,
  bodySize: e.bodySize,
  body: e.body ? e.body.toString('utf8') : null,
  contentType: e.contentType,
  validFrom: e.validFrom,
  validUntil: e.validUntil,
  topic: e.topic,
  answer: { status: e.status, code: e.errorCode },
  eventId: e.eventId,
  receivedAt: e.receivedAt,
});

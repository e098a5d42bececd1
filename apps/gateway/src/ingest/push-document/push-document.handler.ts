import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TributaryError } from '@tributary/domain';
import { deliveryKey, INGEST_BODY_LIMIT, instant, sha256Hex, toIngestEntryView } from '@tributary/ingest';
import { MessagePublisher, uuidv7 } from '@tributary/messaging';
import { requireRole, TenantRepository, withTenant } from '@tributary/tenancy';
import { parsePayload, topicByName } from '@tributary/topics';
import { DataSource } from 'typeorm';
import { IngestEntryEntity } from '../ingest-entry.entity.js';
import type { PushedDocumentView } from '../ingest-entry.dto.js';
import { PushDocument } from './push-document.command.js';

// SQL: the publish claim (AppendClaim) — the entry is inserted in the message append's own statement, and only a
// new entry (ON CONFLICT on the natural key DO NOTHING ... RETURNING) entitles its event to be published.
const CLAIM_ENTRY = `INSERT INTO gateway.ingest_log
      (id, tenant_id, actor_kind, actor_id, source_ip, ext_id, content_hash, body, body_size, content_type,
       valid_from, valid_until, topic, status, event_id, delivery_key, received_at)
    VALUES ($1::uuid, $2::uuid, 'api_key', $3::text, $4::text, $5::text, $6::text, decode($7::text, 'hex'), $8::int, 'application/json',
            $9::timestamptz, $10::timestamptz, $11::text, 202, $12::uuid, $13::text, now())
    ON CONFLICT (tenant_id, delivery_key) DO NOTHING
    RETURNING event_id AS id`;

/**
 * Publishes a pushed document through the webhooks' publisher path (MessagePublisher.publishClaimed, the entry as
 * the claim), so the entry and its event commit together, once: the same document (topic, extId, content,
 * validity) pushed again answers the original entry and publishes nothing.
 */
@CommandHandler(PushDocument)
export class PushDocumentHandler implements ICommandHandler<PushDocument> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: MessagePublisher,
  ) {}

  async execute({ caller, input, sourceIp, traceparent }: PushDocument): Promise<PushedDocumentView> {
    const tenant = requireRole(caller, 'member');
    const topic = topicByName(input.topic);
    const data = parsePayload(topic, input.data);
    const validFrom = input.validFrom ? instant(input.validFrom, 'validFrom') : null;
    const validUntil = input.validUntil ? instant(input.validUntil, 'validUntil') : null;
    if (validFrom && validUntil && validUntil <= validFrom) {
      throw new TributaryError('invalid', 'validation_failed', 'validUntil must be after validFrom');
    }
    const body = Buffer.from(JSON.stringify(input.data), 'utf8');
    const contentHash = sha256Hex(body);
    const key = deliveryKey(['document', topic.name, input.extId, contentHash, validFrom?.toISOString() ?? null, validUntil?.toISOString() ?? null]);
    const eventId = uuidv7();
    const published = await this.publisher.publishClaimed(this.dataSource, [{ topic, data, origin: { id: eventId, tenantId: tenant.tenantId, traceparent } }], {
      sql: CLAIM_ENTRY,
      parameters: [
        uuidv7(),
        tenant.tenantId,
        caller.keyId,
        sourceIp,
        input.extId,
        contentHash,
        body.length <= INGEST_BODY_LIMIT ? body.toString('hex') : null,
        body.length,
        validFrom?.toISOString() ?? null,
        validUntil?.toISOString() ?? null,
        topic.name,
        eventId,
        key,
      ],
    });
    const entry = await withTenant(this.dataSource, tenant, (manager) => new TenantRepository(manager, IngestEntryEntity, tenant).findOne({ deliveryKey: key }));
    // Written in the statement above or before it: committed either way.
    if (!entry) throw new TributaryError('unavailable', 'unavailable', 'The ingest entry could not be read back; retry');
    return { ...toIngestEntryView(entry), created: published.length > 0 };
  }
}

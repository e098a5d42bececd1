import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TributaryError } from '@tributary/domain';
import { MessagePublisher, UUID_PATTERN, uuidv7 } from '@tributary/messaging';
import { SecretBox } from '@tributary/tenancy';
import { parsePayload, topicByName } from '@tributary/topics';
import { DataSource } from 'typeorm';
import { GatewayConfig } from '../../gateway.config.js';
import { secretAad, WebhookEntity } from '../webhook.entity.js';
import { ReceiveWebhook, type WebhookAccepted } from './receive-webhook.command.js';
import { generateWebhookSecret, verifyStandardWebhook } from './standard-webhooks.js';

// Verified against when the webhook does not exist, so an unknown id costs the same as a bad signature.
const DECOY_SECRET = generateWebhookSecret();

/**
 * Verify, then parse, then store: the signature is checked before anything about the body is
 * revealed, and the event is published in the same transaction that records the `webhook-id`,
 * so a retried delivery answers with the original event and nothing is published twice.
 */
@CommandHandler(ReceiveWebhook)
export class ReceiveWebhookHandler implements ICommandHandler<ReceiveWebhook> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly secrets: SecretBox,
    private readonly publisher: MessagePublisher,
    private readonly config: GatewayConfig,
  ) {}

  async execute(command: ReceiveWebhook): Promise<WebhookAccepted> {
    const webhook = UUID_PATTERN.test(command.webhookId)
      ? await this.dataSource.getRepository(WebhookEntity).findOneBy({ id: command.webhookId })
      : null;
    const secret = webhook && !webhook.disabledAt ? this.secrets.open(webhook.secretSealed, secretAad(webhook)) : DECOY_SECRET;
    try {
      verifyStandardWebhook(secret, command.headers, command.body, this.config.WEBHOOK_TOLERANCE_SECONDS);
    } catch (error) {
      if (!webhook || webhook.disabledAt) throw notFound();
      throw error;
    }
    if (!webhook || webhook.disabledAt) throw notFound();

    const topic = topicByName(webhook.topic);
    const payload = parsePayload(topic, parseJson(command.body));
    const messageId = command.headers.id!;

    return this.dataSource.transaction(async (manager) => {
      const eventId = uuidv7();
      const inserted = await manager.query(
        `INSERT INTO gateway.webhook_receipts (webhook_id, message_id, event_id) VALUES ($1, $2, $3)
         ON CONFLICT (webhook_id, message_id) DO NOTHING RETURNING event_id`,
        [webhook.id, messageId, eventId],
      );
      if (inserted.length === 0) {
        const [original] = await manager.query(
          `SELECT event_id FROM gateway.webhook_receipts WHERE webhook_id = $1 AND message_id = $2`,
          [webhook.id, messageId],
        );
        return { eventId: original.event_id, created: false };
      }
      await this.publisher.publish(manager, topic, payload, {
        id: eventId,
        tenantId: webhook.tenantId,
        traceparent: command.traceparent,
      });
      return { eventId, created: true };
    });
  }
}

const notFound = () => new TributaryError('not_found', 'webhook_not_found', 'No such webhook');

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new TributaryError('invalid', 'invalid_json', 'Body is not valid JSON');
  }
}

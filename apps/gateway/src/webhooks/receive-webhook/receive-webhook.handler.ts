import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TributaryError } from '@tributary/domain';
import { UUID_PATTERN } from '@tributary/messaging';
import { parsePayload, topicByName } from '@tributary/topics';
import { GatewayConfig } from '../../gateway.config.js';
import { WebhookDirectory } from '../webhook-directory.js';
import { IngestBatcher } from './ingest-batcher.js';
import { ReceiveWebhook, type WebhookAccepted } from './receive-webhook.command.js';
import { generateWebhookSecret, verifyStandardWebhook } from './standard-webhooks.js';

// Verified against when the webhook does not exist, so an unknown id costs the same as a bad signature.
const DECOY_SECRET = generateWebhookSecret();

/**
 * Verify, then parse, then store: the signature is checked before anything about the body is
 * revealed, and the event is published in the same transaction that records the `webhook-id`
 * (see `IngestBatcher`), so a retried delivery answers with the original event and nothing is
 * published twice.
 */
@CommandHandler(ReceiveWebhook)
export class ReceiveWebhookHandler implements ICommandHandler<ReceiveWebhook> {
  constructor(
    private readonly webhooks: WebhookDirectory,
    private readonly batcher: IngestBatcher,
    private readonly config: GatewayConfig,
  ) {}

  async execute(command: ReceiveWebhook): Promise<WebhookAccepted> {
    const webhook = UUID_PATTERN.test(command.webhookId) ? await this.webhooks.find(command.webhookId) : null;
    try {
      verifyStandardWebhook(webhook?.secret ?? DECOY_SECRET, command.headers, command.body, this.config.WEBHOOK_TOLERANCE_SECONDS);
    } catch (error) {
      if (!webhook) throw notFound();
      throw error;
    }
    if (!webhook) throw notFound();

    const topic = topicByName(webhook.topic);
    return this.batcher.submit({
      webhookId: webhook.id,
      tenantId: webhook.tenantId,
      messageId: command.headers.id!,
      topic,
      payload: parsePayload(topic, parseJson(command.body)),
      traceparent: command.traceparent,
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

import { AppEntity } from '../apps/app.entity.js';
import { IngestEntryEntity } from '../ingest/ingest-entry.entity.js';
import { IntegrationAppEntity } from '../integrations/integration-app.entity.js';
import { IntegrationEntity } from '../integrations/integration.entity.js';
import { LagSampleEntity } from '../operator/lag-history/lag-sample.entity.js';
import { WebhookReceiptEntity } from '../webhooks/receive-webhook/webhook-receipt.entity.js';
import { WebhookSecretEntity } from '../webhooks/webhook-secret.entity.js';
import { WebhookEntity } from '../webhooks/webhook.entity.js';

/** The entities of the `gateway` schema (one per table). */
export const GATEWAY_ENTITIES = [AppEntity, IntegrationEntity, IntegrationAppEntity, WebhookEntity, WebhookSecretEntity, WebhookReceiptEntity, IngestEntryEntity, LagSampleEntity];

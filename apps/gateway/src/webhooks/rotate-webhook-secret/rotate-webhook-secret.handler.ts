import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { requireRole, SecretBox, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource, Raw } from 'typeorm';
import { WebhookDirectory } from '../receive-webhook/webhook-directory.js';
import { WebhookSecretEntity } from '../webhook-secret.entity.js';
import { WebhookEntity } from '../webhook.entity.js';
import type { WebhookSecretCreatedView } from '../webhook.dto.js';
import { addSecret, findWebhook, secretViews } from '../webhook-records.js';
import { RotateWebhookSecret } from './rotate-webhook-secret.command.js';

const DEFAULT_OVERLAP_SECONDS = 86_400;

/**
 * A new secret, active at once; the current ones stay valid for `overlapSeconds` (default one day) so senders can
 * switch without a refused delivery, then expire (one that expires sooner keeps its own expiry).
 */
@CommandHandler(RotateWebhookSecret)
export class RotateWebhookSecretHandler implements ICommandHandler<RotateWebhookSecret> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
    private readonly directory: WebhookDirectory,
  ) {}

  async execute({ caller, webhookId, input }: RotateWebhookSecret): Promise<WebhookSecretCreatedView> {
    const tenant = requireRole(caller, 'member');
    const overlap = input.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS;
    const created = await withTenant(this.dataSource, tenant, async (manager) => {
      const webhook = await findWebhook(new TenantRepository(manager, WebhookEntity, tenant), webhookId);
      const secrets = new TenantRepository(manager, WebhookSecretEntity, tenant);
      const overlapEnd = 'now() + make_interval(secs => :overlap)';
      await secrets.update(
        { webhookId, expiresAt: Raw((column) => `(${column} IS NULL OR ${column} > ${overlapEnd})`, { overlap }) },
        { expiresAt: () => overlapEnd },
      );
      const { id, secret } = await addSecret(secrets, this.box, webhook, input.secret);
      const view = (await secretViews(secrets, webhookId)).find((s) => s.id === id)!;
      return { ...view, secret };
    });
    this.directory.forget(webhookId);
    return created;
  }
}

import { randomUUID } from 'node:crypto';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TributaryError } from '@tributary/domain';
import { SecretBox, Tenants, type Principal } from '@tributary/tenancy';
import { topicByName } from '@tributary/topics';
import { DataSource } from 'typeorm';
import { GatewayConfig } from '../../gateway.config.js';
import { generateWebhookSecret } from '../receive-webhook/standard-webhooks.js';
import { secretAad, WebhookEntity } from '../webhook.entity.js';
import { CreateWebhook, type WebhookCreated } from './create-webhook.command.js';

/** The platform admin may create webhooks for any tenant; a tenant's owner only for its own. */
function authorize(caller: Principal, tenantId: string): void {
  if (caller.kind === 'platform_admin') return;
  if (caller.tenantId === tenantId && caller.role === 'owner') return;
  // Another tenant's id is answered like an unknown one: no way to learn which tenant ids exist.
  if (caller.tenantId !== tenantId) throw new TributaryError('not_found', 'tenant_not_found', 'No such tenant');
  throw new TributaryError('forbidden', 'role_insufficient', 'Creating webhooks needs the owner role');
}

@CommandHandler(CreateWebhook)
export class CreateWebhookHandler implements ICommandHandler<CreateWebhook> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tenants: Tenants,
    private readonly secrets: SecretBox,
    private readonly config: GatewayConfig,
  ) {}

  async execute({ caller, tenantId, topic: topicName }: CreateWebhook): Promise<WebhookCreated> {
    authorize(caller, tenantId);
    const topic = topicByName(topicName);
    const secret = generateWebhookSecret();
    return this.dataSource.transaction(async (manager) => {
      await this.tenants.require(manager, tenantId);
      const id = randomUUID();
      await manager.getRepository(WebhookEntity).insert({
        id,
        tenantId,
        topic: topic.name,
        secretSealed: this.secrets.seal(secret, secretAad({ id, tenantId })),
      });
      return { id, tenantId, topic: topic.name, url: `${this.config.PUBLIC_URL.replace(/\/$/, '')}/webhooks/${id}`, secret };
    });
  }
}

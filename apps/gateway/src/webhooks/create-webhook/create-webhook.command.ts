import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';

export interface WebhookCreated {
  readonly id: string;
  readonly tenantId: string;
  readonly topic: string;
  readonly url: string;
  readonly secret: string;
}

export class CreateWebhook extends Command<WebhookCreated> {
  constructor(
    readonly caller: Principal,
    readonly tenantId: string,
    readonly topic: string,
  ) {
    super();
  }
}

import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { WebhookGatesChanged } from '../../management-api/webhook-gates-changed.event.js';
import { WebhookDirectory } from './webhook-directory.js';

/** A change to what gates many webhooks: the ingress answers the next deliveries from the database, not its cache. */
@EventsHandler(WebhookGatesChanged)
export class WebhookGatesChangedHandler implements IEventHandler<WebhookGatesChanged> {
  constructor(private readonly directory: WebhookDirectory) {}

  handle(): void {
    this.directory.forgetAll();
  }
}

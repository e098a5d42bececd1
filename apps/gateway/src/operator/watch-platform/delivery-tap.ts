import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Subject, type Subscription } from 'rxjs';
import { WebhookIngress } from '../../webhooks/receive-webhook/webhook-ingress.js';
import type { WebhookDeliveryView } from '../operator.dto.js';

const KEPT = 200;

/**
 * This replica's answers to webhook deliveries — accepted or refused, with the error code — for the
 * operator page: the last 200 in memory, and each one as it happens (the live feed, and the newest answers
 * before the ingest log's batched write has them; every replica's are read from the log).
 */
@Injectable()
export class DeliveryTap implements OnModuleDestroy {
  readonly deliveries$ = new Subject<WebhookDeliveryView>();
  private readonly kept: WebhookDeliveryView[] = [];
  private readonly subscription: Subscription;

  constructor(ingress: WebhookIngress) {
    this.subscription = ingress.answered$.subscribe((answer) => this.record(answer));
  }

  recent(): WebhookDeliveryView[] {
    return [...this.kept].reverse();
  }

  onModuleDestroy(): void {
    this.subscription.unsubscribe();
  }

  private record(delivery: WebhookDeliveryView): void {
    this.kept.push(delivery);
    if (this.kept.length > KEPT) this.kept.shift();
    this.deliveries$.next(delivery);
  }
}

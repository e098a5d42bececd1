import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Subject } from 'rxjs';
import type { WebhookDeliveryView } from './operator.models.js';

const KEPT = 200;
const WEBHOOK_PATH = /^\/webhooks\/([^/?#]+)/;

/**
 * Watches this replica's answers to webhook deliveries — accepted or refused, with the error code —
 * for the operator page: the last 200 in memory, and each one as it happens. Refusals are stored
 * nowhere else (nothing is written on rejection), so this is the only place they show.
 */
@Injectable()
export class DeliveryTap implements NestMiddleware {
  readonly deliveries$ = new Subject<WebhookDeliveryView>();
  private readonly kept: WebhookDeliveryView[] = [];

  recent(): WebhookDeliveryView[] {
    return [...this.kept].reverse();
  }

  use(request: Request, response: Response, next: NextFunction): void {
    const match = WEBHOOK_PATH.exec(request.originalUrl);
    if (!match) return next();
    let body: unknown;
    const json = response.json.bind(response);
    response.json = (value: unknown) => {
      body ??= value;
      return json(value);
    };
    response.once('finish', () => this.record(match[1], response.statusCode, body, (request as Request & { traceId?: string }).traceId));
    next();
  }

  private record(webhookId: string, status: number, body: unknown, traceId: string | undefined): void {
    const answer = (body ?? {}) as { eventId?: unknown; error?: { code?: unknown } };
    const delivery: WebhookDeliveryView = {
      at: new Date().toISOString(),
      webhookId: decodeURIComponent(webhookId).slice(0, 100),
      status,
      code: typeof answer.error?.code === 'string' ? answer.error.code : null,
      eventId: typeof answer.eventId === 'string' ? answer.eventId : null,
      traceId: traceId ?? null,
    };
    this.kept.push(delivery);
    if (this.kept.length > KEPT) this.kept.shift();
    this.deliveries$.next(delivery);
  }
}

import { Injectable, Optional } from '@nestjs/common';
import { Metrics } from '@tributary/observability';
import { Counter } from 'prom-client';

/** What a notification run came to: sent (mailbox or SMTP), failed (the SMTP server refused or was unreachable), or skipped and why. */
export type NotificationOutcome = 'sent' | 'failed' | 'no_recipient' | 'no_consent' | 'opted_out' | 'no_template';

/** `tributary_notifications_total{channel, outcome}`: the customer notifications' outcomes (a retry of a failed send counts again). */
@Injectable()
export class NotificationMetrics {
  private readonly outcomes: Counter<'channel' | 'outcome'>;

  /** Without the MetricsModule (a test module of the runtime alone) the counter counts for no registry. */
  constructor(@Optional() metrics?: Metrics) {
    this.outcomes = new Counter({
      name: 'tributary_notifications_total',
      help: 'Customer notifications by channel (smtp, mailbox) and outcome: sent, failed, or skipped (no_recipient, no_consent, opted_out, no_template)',
      labelNames: ['channel', 'outcome'],
      registers: metrics ? [metrics.registry] : [],
    });
  }

  count(channel: 'smtp' | 'mailbox', outcome: NotificationOutcome): void {
    this.outcomes.inc({ channel, outcome });
  }
}

import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { NotificationSent, PackageStateChanged } from '@tributary/topics';
import { DataSource } from 'typeorm';
import type { HandlerContext, HandlerResult, IntegrationHandler } from '../../../sdk/integration-handler.js';
import { renderNotification } from './notification-templates.js';
import { NotificationMetrics, type NotificationOutcome } from './notification-metrics.js';
import { TrackingMailer } from './tracking-mailer.js';

interface RecipientRow {
  email: string;
  language: string;
  consent: boolean;
  opted_out: boolean;
  template_subject: string | null;
  template_body: string | null;
}

/** A send's outcome as the journal keeps it (`repeated` is absent from those recorded before repeats were). */
interface SendOutcome {
  readonly confirmed: boolean;
  readonly response: string;
  readonly repeated?: boolean;
}

/**
 * E-mails the package's customer once per transition, if they consented and did not opt out.
 *
 * Once: the notification's key is (tenant, tracking id, transition version) — the same whatever
 * message carries the transition and however often. Without SMTP, the mail is written to the local
 * mailbox in the transaction that claims the message and publishes `tracking.notification.sent`:
 * exactly once. With SMTP, the send is journaled (`context.once`): the intent is committed before
 * the mail goes out and the outcome after; a repeat finds it and sends nothing. If the worker dies
 * after the intent was committed and before the outcome was, nobody can tell whether the server took
 * the mail: it is sent again with the same Message-ID (receiving mail systems drop a repeat by it)
 * and published with `repeated: true` — a customer would rather get a mail twice than never (see
 * docs/integrations.md).
 */
@Injectable()
export class NotifyCustomer implements IntegrationHandler<PackageStateChanged, NotificationSent> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly mailer: TrackingMailer,
    private readonly metrics: NotificationMetrics,
  ) {}

  async handle(change: PackageStateChanged, context: HandlerContext<NotificationSent>): Promise<HandlerResult<NotificationSent>> {
    const tenantId = context.tenant.tenantId;
    // SQL: hot path. The recipient and the tenant's own template for the new state in their language, in one read.
    const [recipient] = await this.dataSource.query<RecipientRow[]>(
      `SELECT r.email, r.language, r.consent,
              EXISTS (SELECT 1 FROM worker.notification_opt_outs o WHERE o.tenant_id = r.tenant_id AND o.email = lower(r.email)) AS opted_out,
              t.subject AS template_subject, t.body AS template_body
         FROM worker.package_recipients r
         LEFT JOIN worker.notification_templates t ON t.tenant_id = r.tenant_id AND t.state = $3 AND t.language = r.language
        WHERE r.tenant_id = $1 AND r.tracking_id = $2`,
      [tenantId, change.trackingId, change.to],
    );
    const channel = this.mailer.usesSmtp ? 'smtp' : 'mailbox';
    const skip = (reason: Exclude<NotificationOutcome, 'sent' | 'failed'>) => {
      this.metrics.count(channel, reason);
      return context.skip(reason);
    };
    if (!recipient) return skip('no_recipient');
    if (!recipient.consent) return skip('no_consent');
    if (recipient.opted_out) return skip('opted_out');
    const own = recipient.template_subject === null ? undefined : { subject: recipient.template_subject, text: recipient.template_body! };
    const mail = renderNotification(change.to, recipient.language, change, own);
    if (!mail) return skip('no_template');

    const key = `notify:${tenantId}:${change.trackingId}:${change.version}`;
    const messageId = `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@notifications.tributary>`;
    const sent: NotificationSent = {
      trackingId: change.trackingId,
      state: change.to,
      version: change.version,
      recipient: recipient.email,
      language: mail.language,
      channel,
      messageId,
      confirmed: true,
      repeated: false,
    };

    if (!this.mailer.usesSmtp) {
      return context.commit(async (db) => {
        // SQL: hot path, `ON CONFLICT (tenant_id, message_id) DO NOTHING` in the run's commit (one statement)
        await db.query(
          `INSERT INTO worker.mailbox (id, tenant_id, message_id, sender, recipient, subject, body, tracking_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (tenant_id, message_id) DO NOTHING`,
          [randomUUID(), tenantId, messageId, this.mailer.from, recipient.email, mail.subject, mail.text, change.trackingId],
        );
        context.record({ foreignId: messageId });
        this.metrics.count(channel, 'sent');
        return sent;
      });
    }

    const outcome = await context.once<SendOutcome>(
      'smtp-notification',
      async (_, attempt) => {
        const answer = await this.mailer.send({ from: this.mailer.from, to: recipient.email, ...mail, messageId, idempotencyKey: key }).catch((error: unknown) => {
          this.metrics.count(channel, 'failed');
          throw error;
        });
        this.metrics.count(channel, 'sent');
        return { confirmed: true, response: answer.response, repeated: attempt.repeat };
      },
      // Whether the server took the mail cannot be asked afterwards: when a crash leaves it unknown, send it
      // again under the same Message-ID (at-least-once) rather than risk a notification never sent.
      { key, onUnknown: 'repeat', identity: messageId },
    );
    context.record({ foreignId: messageId, response: outcome.response });
    const repeated = outcome.repeated ?? false;
    context.logger.info('customer notified', { trackingId: change.trackingId, version: change.version, confirmed: outcome.confirmed, repeated });
    return { ...sent, confirmed: outcome.confirmed, repeated };
  }
}

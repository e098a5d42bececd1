import { Body, Controller, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { TributaryError } from '@tributary/domain';
import { ApiKeyGuard, Caller, TenantContext, withTenant, type Principal } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { requireWriter } from '../admin/caller-scope.js';
import { PACKAGE_STATUSES } from '@tributary/domain';
import { NOTIFICATION_LANGUAGES } from '../integrations/tracking/notify-customer/notification-templates.js';
import { MailboxBody, OptOutBody, PackageBody, RecipientBody, RecipientSavedBody, TemplateBody } from './tracking.dto.js';

const TRACKING_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const trackingIdOf = (value: string): string => {
  if (!TRACKING_ID.test(value)) throw new TributaryError('invalid', 'tracking_id_invalid', 'A tracking id is 1–128 letters, digits, . _ : -');
  return value;
};

/**
 * A tenant's view of track & trace: who to notify about a parcel (and whether they agreed), opt-outs,
 * a package's state and history, and the local mailbox. Every query runs in the caller's tenant
 * transaction (row-level security), so no other tenant's row can be read or written.
 */
@ApiTags('tracking')
@ApiBearerAuth()
@Controller('v1/tracking')
@UseGuards(ApiKeyGuard)
export class TrackingController {
  constructor(private readonly dataSource: DataSource) {}

  @Put('packages/:trackingId/recipient')
  @ApiOperation({ summary: "Set the customer notified about a parcel's transitions, with their consent" })
  @ApiResponse({ status: 200, type: RecipientSavedBody })
  @ApiResponse({ status: 400, description: 'validation_failed, tracking_id_invalid' })
  @ApiResponse({ status: 403, description: 'tenant_required, read_only_key' })
  async setRecipient(@Caller() caller: Principal, @Param('trackingId') raw: string, @Body() body: RecipientBody): Promise<RecipientSavedBody> {
    const tenant = TenantContext.of(caller);
    requireWriter(caller);
    const trackingId = trackingIdOf(raw);
    return withTenant(this.dataSource, tenant, async (db) => {
      await db.query(
        `INSERT INTO worker.package_recipients (tenant_id, tracking_id, email, language, consent) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, tracking_id) DO UPDATE SET email = EXCLUDED.email, language = EXCLUDED.language, consent = EXCLUDED.consent, updated_at = now()`,
        [tenant.tenantId, trackingId, body.email, body.language, body.consent],
      );
      const [row] = await db.query<{ opted_out: boolean }[]>(
        `SELECT EXISTS (SELECT 1 FROM worker.notification_opt_outs WHERE tenant_id = $1 AND email = lower($2)) AS opted_out`,
        [tenant.tenantId, body.email],
      );
      return { trackingId, email: body.email, language: body.language, consent: body.consent, optedOut: row.opted_out };
    });
  }

  @Put('templates/:state/:language')
  @ApiOperation({ summary: "The tenant's own notification for a state in a language (instead of the built-in one)" })
  @ApiResponse({ status: 200, type: TemplateBody })
  @ApiResponse({ status: 400, description: 'validation_failed, template_invalid' })
  async setTemplate(
    @Caller() caller: Principal,
    @Param('state') state: string,
    @Param('language') language: string,
    @Body() body: TemplateBody,
  ): Promise<TemplateBody> {
    const tenant = TenantContext.of(caller);
    requireWriter(caller);
    if (!(PACKAGE_STATUSES as readonly string[]).includes(state) || state === 'unknown') {
      throw new TributaryError('invalid', 'template_invalid', `No notifications for state "${state}"`);
    }
    if (!(NOTIFICATION_LANGUAGES as readonly string[]).includes(language)) {
      throw new TributaryError('invalid', 'template_invalid', `Languages: ${NOTIFICATION_LANGUAGES.join(', ')}`);
    }
    await withTenant(this.dataSource, tenant, (db) =>
      db.query(
        `INSERT INTO worker.notification_templates (tenant_id, state, language, subject, body) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, state, language) DO UPDATE SET subject = EXCLUDED.subject, body = EXCLUDED.body, updated_at = now()`,
        [tenant.tenantId, state, language, body.subject, body.text],
      ),
    );
    return { subject: body.subject, text: body.text };
  }

  @Post('opt-outs')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop every notification to an address (for all its parcels)' })
  @ApiResponse({ status: 204 })
  @ApiResponse({ status: 400, description: 'validation_failed' })
  async optOut(@Caller() caller: Principal, @Body() body: OptOutBody): Promise<void> {
    const tenant = TenantContext.of(caller);
    requireWriter(caller);
    await withTenant(this.dataSource, tenant, (db) =>
      db.query(`INSERT INTO worker.notification_opt_outs (tenant_id, email) VALUES ($1, lower($2)) ON CONFLICT DO NOTHING`, [tenant.tenantId, body.email]),
    );
  }

  @Get('packages/:trackingId')
  @ApiOperation({ summary: "A package's current state and every carrier event received for it" })
  @ApiResponse({ status: 200, type: PackageBody })
  @ApiResponse({ status: 404, description: 'package_not_found' })
  async package(@Caller() caller: Principal, @Param('trackingId') raw: string): Promise<PackageBody> {
    const tenant = TenantContext.of(caller);
    const trackingId = trackingIdOf(raw);
    return withTenant(this.dataSource, tenant, async (db) => {
      // No tenant filter needed: row-level security shows this tenant's rows only.
      const [current] = await db.query<{ carrier: string; status: string; status_at: Date; version: number }[]>(
        `SELECT carrier, status, status_at, version FROM worker.tracked_packages WHERE tracking_id = $1`,
        [trackingId],
      );
      if (!current) throw new TributaryError('not_found', 'package_not_found', 'No such package');
      const events = await db.query<{ status: string; carrier_status: string; occurred_at: Date; outcome: string }[]>(
        `SELECT status, carrier_status, occurred_at, outcome FROM worker.package_events WHERE tracking_id = $1 ORDER BY occurred_at, received_at`,
        [trackingId],
      );
      return {
        trackingId,
        carrier: current.carrier,
        status: current.status,
        statusAt: new Date(current.status_at).toISOString(),
        version: current.version,
        events: events.map((e) => ({ status: e.status, carrierStatus: e.carrier_status, occurredAt: new Date(e.occurred_at).toISOString(), outcome: e.outcome })),
      };
    });
  }

  @Get('mailbox')
  @ApiOperation({ summary: 'Notifications written to the local mailbox (when the worker has no SMTP_URL), newest first' })
  @ApiResponse({ status: 200, type: MailboxBody })
  async mailbox(@Caller() caller: Principal): Promise<MailboxBody> {
    const tenant = TenantContext.of(caller);
    const rows = await withTenant(this.dataSource, tenant, (db) =>
      db.query<{ message_id: string; sender: string; recipient: string; subject: string; body: string; tracking_id: string; created_at: Date }[]>(
        `SELECT message_id, sender, recipient, subject, body, tracking_id, created_at FROM worker.mailbox ORDER BY created_at DESC, id LIMIT 200`,
      ),
    );
    return {
      items: rows.map((r) => ({
        messageId: r.message_id,
        from: r.sender,
        to: r.recipient,
        subject: r.subject,
        text: r.body,
        trackingId: r.tracking_id,
        createdAt: new Date(r.created_at).toISOString(),
      })),
    };
  }
}

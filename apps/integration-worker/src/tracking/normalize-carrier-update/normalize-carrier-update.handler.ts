import { Controller, Logger } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { normalizePackageStatus } from '@tributary/domain';
import { Inbox, MessagePublisher, OnMessage, type Envelope } from '@tributary/messaging';
import { parsePayload, Topics, type PackageUpdated } from '@tributary/topics';
import { DataSource } from 'typeorm';

const CONSUMER = 'integration-worker:normalize-carrier-update';

/** Turns a carrier's raw update into the canonical `tracking.package.updated` (chained on success). */
export function normalizeCarrierUpdate(update: {
  trackingId: string;
  carrier: string;
  status: string;
  occurredAt: string;
}): PackageUpdated {
  return {
    trackingId: update.trackingId.trim(),
    carrier: update.carrier.trim().toLowerCase(),
    status: normalizePackageStatus(update.status),
    carrierStatus: update.status,
    occurredAt: new Date(update.occurredAt).toISOString(),
  };
}

@Controller()
export class NormalizeCarrierUpdateHandler {
  private readonly logger = new Logger(NormalizeCarrierUpdateHandler.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly inbox: Inbox,
    private readonly publisher: MessagePublisher,
  ) {}

  @OnMessage(Topics.carrierUpdateReceived)
  async handle(@Payload() envelope: Envelope): Promise<void> {
    const update = parsePayload(Topics.carrierUpdateReceived, envelope.data);
    // The inbox claim and the follow-up message commit together: a redelivery publishes nothing.
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.inbox.claim(manager, CONSUMER, envelope.id))) return;
      const next = await this.publisher.publish(manager, Topics.packageUpdated, normalizeCarrierUpdate(update), {
        tenantId: envelope.tenantid,
        cause: envelope,
      });
      this.logger.log({ traceId: traceOf(envelope), tenantId: envelope.tenantid, eventId: envelope.id, next: next.id }, 'carrier update normalized');
    });
  }
}

const traceOf = (envelope: Envelope) => envelope.traceparent.split('-')[1];

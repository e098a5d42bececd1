import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { createKafka } from './kafka/kafka-connection.js';
import { TRANSPORT_OPTIONS, type TransportOptions } from './transport-options.js';

/** A consumer of the app's transport, as readiness sees it. */
export interface TransportConsumer {
  readonly group: string;
  /** Why this member cannot take messages now (closed, crashed), or undefined when it can. */
  notReady(): string | undefined;
}

const BROKER_TIMEOUT_MS = 3_000;

/**
 * The app's message transport for /health/ready (name `transport`): the message log in PostgreSQL
 * (the transport itself, or Kafka mode's outbox), in Kafka mode a broker that answers (for an app
 * that consumes from Kafka), and every consumer the app connected (`connectConsumer`) still a
 * running member of its group.
 */
@Injectable()
export class TransportReadiness implements OnApplicationShutdown {
  readonly name = 'transport';
  private readonly consumers: TransportConsumer[] = [];
  private kafka?: Kafka;
  private admin?: Promise<Admin>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(TRANSPORT_OPTIONS) private readonly transport: TransportOptions,
  ) {}

  watch(consumer: TransportConsumer): void {
    this.consumers.push(consumer);
  }

  async check(): Promise<Record<string, unknown>> {
    // SQL: the message log's readiness probe (every app has it; not every app registers the messaging entities)
    await this.dataSource.query('SELECT 1 FROM messaging.messages LIMIT 1');
    const details: Record<string, unknown> = { kind: this.transport.kind, consumers: this.consumers.map((c) => c.group) };
    // An app that only publishes writes to the outbox in PostgreSQL: a broker outage delays the relay
    // but must not take it out of service (the gateway keeps accepting webhooks through one).
    if (this.transport.kind === 'kafka' && this.consumers.length > 0) details.brokers = await this.brokers(this.transport.connection);
    for (const consumer of this.consumers) {
      const problem = consumer.notReady();
      if (problem) throw new Error(`consumer group ${consumer.group}: ${problem}`);
    }
    return details;
  }

  async onApplicationShutdown(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
  }

  /** How many brokers the cluster reports, through an admin client kept connected (reconnected after a failure). */
  private async brokers(connection: Extract<TransportOptions, { kind: 'kafka' }>['connection']): Promise<number> {
    this.kafka ??= createKafka({ ...connection, clientId: `${connection.clientId}-readiness` }, new Logger(TransportReadiness.name));
    const kafka = this.kafka;
    this.admin ??= (async () => {
      const admin = kafka.admin({ retry: { retries: 0 } });
      await admin.connect();
      return admin;
    })();
    const admin = this.admin;
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Kafka brokers did not answer within ${BROKER_TIMEOUT_MS} ms`)), BROKER_TIMEOUT_MS);
      });
      const cluster = await Promise.race([admin.then((a) => a.describeCluster()), timeout]);
      return cluster.brokers.length;
    } catch (error) {
      this.admin = undefined;
      void admin.then((a) => a.disconnect()).catch(() => undefined);
      throw new Error(`Kafka unreachable: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }
}

import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type INestApplication,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { allTopics } from '@tributary/topics';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { ConsumerLagSources } from './consumer/consumer-lag.js';
import { DeliveryObservers } from './consumer/delivery-observer.js';
import { Inbox } from './inbox/inbox.js';
import { createKafka } from './kafka/kafka-connection.js';
import { KafkaGroupLag } from './kafka/kafka-lag.js';
import { KafkaOutboxRelay } from './kafka/kafka-outbox-relay.js';
import { KafkaTransportServer } from './kafka/kafka-transport.server.js';
import { MessagePublisher } from './message-publisher.js';
import { MESSAGE_RETENTION_SECONDS, MessageLogRetention } from './postgres/message-log-retention.js';
import { CrossProcessWakeup } from './postgres/cross-process-wakeup.js';
import { MESSAGES_CHANNEL, PostgresMessageLog } from './postgres/postgres-message-log.js';
import { PostgresTransportServer } from './postgres/postgres-transport.server.js';
import type { RetryPolicy } from './retry-policy.js';
import { MessageSigner, type SigningKeyring } from './signing/message-signer.js';
import { TRANSPORT_OPTIONS, type TransportOptions } from './transport-options.js';
import { TransportReadiness } from './transport-readiness.js';

export interface MessagingOptions {
  /** The producing app, written as `source` on every envelope. */
  readonly source: string;
  readonly signing: SigningKeyring;
  readonly transport: TransportOptions;
  /** Partitions of the postgres log's topics (fixed when a topic is created). */
  readonly partitions?: number;
  /** How long the message log keeps a message every group has committed past (default 7 days; see MessageLogRetention). */
  readonly retentionSeconds?: number;
}

const topicNames = () => allTopics.map((t) => t.name);

/**
 * Once the app's migrations have run: provisions the registry's topics in the message log and, in
 * Kafka mode, starts the outbox relay that moves published messages to Kafka.
 */
@Injectable()
class MessagingLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private relay?: KafkaOutboxRelay;

  constructor(
    private readonly dataSource: DataSource,
    private readonly log: PostgresMessageLog,
    @Inject(TRANSPORT_OPTIONS) private readonly transport: TransportOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.log.provision(this.dataSource, topicNames());
    if (this.transport.kind !== 'kafka') return;
    this.relay = new KafkaOutboxRelay({
      kafka: createKafka(this.transport.connection, new Logger(KafkaOutboxRelay.name)),
      dataSource: this.dataSource,
      log: this.log,
      topics: topicNames(),
      partitions: this.transport.partitions,
      replicationFactor: this.transport.replicationFactor,
      listenUrl: this.transport.listenUrl,
    });
    await this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay?.stop();
  }
}

/** Signing, the message log (the transport itself, or Kafka's outbox), the publisher and the inbox for one app. */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: TRANSPORT_OPTIONS, useValue: options.transport },
        { provide: MessageSigner, useValue: new MessageSigner(options.signing) },
        {
          provide: PostgresMessageLog,
          inject: [DataSource],
          // Other processes listen only on a real server (TRIBUTARY_NOTIFY_URL set).
          useFactory: (dataSource: DataSource) =>
            new PostgresMessageLog(
              options.partitions ?? 8,
              options.transport.listenUrl ? new CrossProcessWakeup(dataSource, MESSAGES_CHANNEL, new Logger(CrossProcessWakeup.name)) : undefined,
            ),
        },
        {
          provide: MessagePublisher,
          inject: [MessageSigner, PostgresMessageLog],
          useFactory: (signer: MessageSigner, log: PostgresMessageLog) => new MessagePublisher(options.source, signer, log),
        },
        Inbox,
        DeliveryObservers,
        ConsumerLagSources,
        MessagingLifecycle,
        TransportReadiness,
        { provide: MESSAGE_RETENTION_SECONDS, useValue: options.retentionSeconds ?? 7 * 24 * 3_600 },
        MessageLogRetention,
      ],
      exports: [TRANSPORT_OPTIONS, MessageSigner, PostgresMessageLog, MessagePublisher, Inbox, DeliveryObservers, ConsumerLagSources, TransportReadiness, MessageLogRetention],
    };
  }
}

export interface ConsumerOptions {
  /** The consumer group: one per app, so each app sees every message once. */
  readonly group: string;
  readonly retry?: RetryPolicy;
  /** postgres: the safety-net poll; both: the longest wait before a due retry is run. */
  readonly pollIntervalMs?: number;
  /** How long a member owns a retry it claimed without renewing it (default 15 s, renewed while it runs); a dead member's retries move on after it. */
  readonly retryLeaseMs?: number;
  /** postgres: how long a member's partition leases last without a heartbeat. */
  readonly leaseMs?: number;
  /** postgres: this member's id in the group (default: random). */
  readonly memberId?: string;
  /** kafka: partitions handled at once by this member. */
  readonly concurrency?: number;
  /** kafka: how long a fetch waits for data (also bounds how long shutdown waits for the fetch in flight). */
  readonly maxWaitMs?: number;
  /** kafka: the group session timeout and heartbeat interval. */
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /**
   * Which of the app's handlers this consumer runs: those whose pattern names this id
   * (`EventPattern(names, transportId)`) and the untagged ones. For an app with several groups,
   * each running its own handlers. Default: the transport's own id.
   */
  readonly transportId?: symbol;
  /**
   * Where this group starts on a partition it has no position on yet: where the group named here
   * stands on it — a group added beside an app's running group (a named queue bound later) takes the
   * messages from then on, not the history its peer has handled already. Where the named group has
   * no position either (a fresh deployment, a topic new to both), at the beginning, as by default.
   */
  readonly startFromGroup?: string;
}

/**
 * Connects the app's `@OnMessage` handlers to the app's transport as members of `options.group`.
 * The handlers share the app's global filters, which must hand errors back to the transport
 * unchanged (see `rethrowToTransport`): register them before connecting.
 */
export function connectConsumer(app: INestApplication, options: ConsumerOptions): PostgresTransportServer | KafkaTransportServer {
  const transport = app.get<TransportOptions>(TRANSPORT_OPTIONS);
  const observer = app.get(DeliveryObservers);
  const dataSource = app.get(DataSource);
  const signer = app.get(MessageSigner);
  const strategy =
    transport.kind === 'kafka'
      ? new KafkaTransportServer({
          ...options,
          connection: transport.connection,
          partitions: transport.partitions,
          replicationFactor: transport.replicationFactor,
          observer,
          sessionTimeoutMs: options.sessionTimeoutMs ?? transport.sessionTimeoutMs,
          heartbeatIntervalMs: options.heartbeatIntervalMs ?? Math.min(3_000, (options.sessionTimeoutMs ?? transport.sessionTimeoutMs ?? 30_000) / 10),
          dataSource,
          signer,
        })
      : new PostgresTransportServer({ ...options, observer, listenUrl: transport.listenUrl, dataSource, signer, log: app.get(PostgresMessageLog) });
  if (strategy instanceof KafkaTransportServer) {
    // The group's lag lives on the broker; metrics ask it at scrape time.
    app.get(ConsumerLagSources).add(new KafkaGroupLag(strategy.unwrap<Kafka>(), options.group, () => strategy.topics));
  }
  // Before connecting: Nest registers the handlers whose pattern names this id as the strategy connects.
  if (options.transportId) strategy.setTransportId(options.transportId);
  app.get(TransportReadiness).watch(strategy);
  app.connectMicroservice({ strategy }, { inheritAppConfig: true });
  return strategy;
}


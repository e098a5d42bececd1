import { Injectable, Module, type DynamicModule, type INestApplication, type OnApplicationBootstrap } from '@nestjs/common';
import { allTopics } from '@tributary/topics';
import { DataSource } from 'typeorm';
import { Inbox } from './inbox/inbox.js';
import { MessagePublisher } from './message-publisher.js';
import { PostgresMessageLog } from './postgres/postgres-message-log.js';
import { PostgresTransportServer, type PostgresTransportOptions } from './postgres/postgres-transport.server.js';
import { MessageSigner, type SigningKeyring } from './signing/message-signer.js';

export interface MessagingOptions {
  /** The producing app, written as `source` on every envelope. */
  readonly source: string;
  readonly signing: SigningKeyring;
  /** Partitions of a topic created by this app (the count is fixed when the topic is created). */
  readonly partitions?: number;
}

/** Creates the registry's topics once the app's migrations have run (as Kafka topics are provisioned). */
@Injectable()
class TopicProvisioner implements OnApplicationBootstrap {
  constructor(
    private readonly dataSource: DataSource,
    private readonly log: PostgresMessageLog,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.log.provision(
      this.dataSource,
      allTopics.map((t) => t.name),
    );
  }
}

/** Signing, the message log, the publisher and the inbox for one app. */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: MessageSigner, useValue: new MessageSigner(options.signing) },
        { provide: PostgresMessageLog, useValue: new PostgresMessageLog(options.partitions ?? 8) },
        {
          provide: MessagePublisher,
          inject: [MessageSigner, PostgresMessageLog],
          useFactory: (signer: MessageSigner, log: PostgresMessageLog) =>
            new MessagePublisher(options.source, signer, log),
        },
        Inbox,
        TopicProvisioner,
      ],
      exports: [MessageSigner, PostgresMessageLog, MessagePublisher, Inbox],
    };
  }
}

export type ConsumerOptions = Omit<PostgresTransportOptions, 'dataSource' | 'signer' | 'log'>;

/**
 * Connects the app's `@OnMessage` handlers to the transport as members of `options.group`.
 * The handlers share the app's global filters, which must hand errors back to the transport
 * unchanged (see `RethrowRpcFilter`): register them before connecting.
 */
export function connectConsumer(app: INestApplication, options: ConsumerOptions): PostgresTransportServer {
  const strategy = new PostgresTransportServer({
    ...options,
    dataSource: app.get(DataSource),
    signer: app.get(MessageSigner),
    log: app.get(PostgresMessageLog),
  });
  app.connectMicroservice({ strategy }, { inheritAppConfig: true });
  return strategy;
}

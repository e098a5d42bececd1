import { BaseRpcContext } from '@nestjs/microservices';
import type { MessageSigner } from '../signing/message-signer.js';
import { EnvelopeServer } from '../consumer/envelope-server.js';
import { PostgresGroupConsumer, type PostgresGroupOptions } from './postgres-group-consumer.js';
import type { StoredMessage } from './postgres-message-log.js';

export const POSTGRES_TRANSPORT = Symbol('tributary-postgres-transport');

export interface PostgresTransportOptions extends PostgresGroupOptions {
  readonly signer: MessageSigner;
}

/** What a handler can learn about the message it is handling (`@Ctx() ctx: PostgresContext`). */
export class PostgresContext extends BaseRpcContext<[StoredMessage, number]> {
  get message(): StoredMessage {
    return this.args[0];
  }
  /** 1 on first delivery to this member, more on retries. */
  get attempt(): number {
    return this.args[1];
  }
}

/**
 * The `postgres` transport's consumer, as a Nest microservice strategy so the same `@OnMessage`
 * handlers run on it as on Kafka: a member of the app's consumer group (see `PostgresGroupConsumer`)
 * that verifies each message's signature and hands it to the handler of its topic.
 */
export class PostgresTransportServer extends EnvelopeServer {
  override readonly transportId = POSTGRES_TRANSPORT;
  private consumer?: PostgresGroupConsumer;

  constructor(private readonly options: PostgresTransportOptions) {
    super();
  }

  override unwrap<T>(): T {
    return this.options.dataSource as T;
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      this.consumer = new PostgresGroupConsumer(
        this.options,
        this.subscribedTopics,
        {
          each: (message, attempt) =>
            this.handle(message.topic, this.options.signer.verify(message.envelope), new PostgresContext([message, attempt])),
        },
        this.logger,
      );
      await this.consumer.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    await this.consumer?.close();
  }
}

import type { Queryable } from '@tributary/database';
import type { TopicDefinition } from '@tributary/topics';
import { createEnvelope, type Envelope, type EnvelopeOrigin } from './envelope/envelope.js';
import type { MessageSigner } from './signing/message-signer.js';
import type { PostgresMessageLog } from './postgres/postgres-message-log.js';

export interface OutgoingMessage<T extends object = object> {
  readonly topic: TopicDefinition<T>;
  readonly data: T;
  readonly origin: Omit<EnvelopeOrigin, 'source'>;
}

/**
 * Publishes typed messages on the caller's transaction: the message exists if and only if the
 * caller's writes commit (transactional outbox), and consumers are woken after the commit.
 */
export class MessagePublisher {
  constructor(
    private readonly source: string,
    private readonly signer: MessageSigner,
    private readonly log: PostgresMessageLog,
  ) {}

  async publish<T extends object>(
    q: Queryable,
    topic: TopicDefinition<T>,
    data: T,
    origin: Omit<EnvelopeOrigin, 'source'>,
  ): Promise<Envelope<T>> {
    const [envelope] = await this.publishAll(q, [{ topic, data, origin }]);
    return envelope as Envelope<T>;
  }

  /** Several messages in one append (one statement per partition): for batched writers. */
  async publishAll(q: Queryable, messages: readonly OutgoingMessage[]): Promise<Envelope[]> {
    const envelopes = messages.map(({ topic, data, origin }) =>
      this.signer.sign(createEnvelope(topic, data, { ...origin, source: this.source })),
    );
    await this.log.append(q, envelopes);
    return envelopes;
  }
}

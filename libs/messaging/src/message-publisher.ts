import type { Queryable } from '@tributary/database';
import type { TopicDefinition } from '@tributary/topics';
import { createEnvelope, type Envelope, type EnvelopeOrigin } from './envelope/envelope.js';
import type { MessageSigner } from './signing/message-signer.js';
import type { PostgresMessageLog } from './postgres/postgres-message-log.js';

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
    const envelope = this.signer.sign(createEnvelope(topic, data, { ...origin, source: this.source }));
    await this.log.append(q, [envelope]);
    return envelope;
  }
}

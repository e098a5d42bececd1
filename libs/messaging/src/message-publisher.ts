import type { Queryable } from '@tributary/database';
import type { TopicDefinition } from '@tributary/topics';
import { createEnvelope, type Envelope, type EnvelopeOrigin } from './envelope/envelope.js';
import type { AppendClaim, PostgresMessageLog } from './postgres/postgres-message-log.js';
import type { MessageSigner } from './signing/message-signer.js';

export interface OutgoingMessage<T extends object = object> {
  readonly topic: TopicDefinition<T>;
  readonly data: T;
  /** Tenant, cause, and the message's queue headers (`origin.queue`: priority, delay, expiry, reply-to, routing key, headers). */
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

  /**
   * Publishes one message. Queue headers go in `origin.queue` (see `QueueOptions`); an invalid one is
   * refused with a `queue_header_invalid` error before anything is written.
   */
  async publish<T extends object>(
    q: Queryable,
    topic: TopicDefinition<T>,
    data: T,
    origin: Omit<EnvelopeOrigin, 'source'>,
  ): Promise<Envelope<T>> {
    const [envelope] = await this.publishAll(q, [{ topic, data, origin }]);
    return envelope as Envelope<T>;
  }

  /** Several messages in one append (one statement per partition): for batched writers. All or none: one invalid queue header refuses them all. */
  async publishAll(q: Queryable, messages: readonly OutgoingMessage[]): Promise<Envelope[]> {
    const envelopes = this.envelopes(messages);
    await this.log.append(q, envelopes);
    return envelopes;
  }

  /**
   * Publishes those of `messages` that `claim` entitles (see `AppendClaim`), claim and append in one
   * statement: on a connection in autocommit that is one transaction and one round trip. Returns the
   * envelopes published, in the order given.
   */
  async publishClaimed(q: Queryable, messages: readonly OutgoingMessage[], claim: AppendClaim): Promise<Envelope[]> {
    const envelopes = this.envelopes(messages);
    const appended = new Set((await this.log.append(q, envelopes, claim)).map((m) => m.messageId));
    return envelopes.filter((e) => appended.has(e.id));
  }

  private envelopes(messages: readonly OutgoingMessage[]): Envelope[] {
    return messages.map(({ topic, data, origin }) => this.signer.sign(createEnvelope(topic, data, { ...origin, source: this.source })));
  }
}

import { Server, type BaseRpcContext, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import type { Envelope } from '../envelope/envelope.js';
import type { MessageSigner } from '../signing/message-signer.js';
import { MessageBatchContext, type InboundMessage } from './durable-delivery.js';
import { batchPattern, isBatchPattern } from '../on-message.decorator.js';
import { endSpan, inSpan, openSpan, SpanKind, spansEnabled, withSpan } from '../tracing/spans.js';

/**
 * What both transports' consumers share as Nest microservice strategies: the app's `@OnMessage`
 * handlers are looked up by topic and awaited to the end, so a transport commits only once the
 * handler's effect is done (and sees the handler's own error when it fails).
 */
export abstract class EnvelopeServer extends Server implements CustomTransportStrategy {
  protected get subscribedTopics(): string[] {
    return [...this.messageHandlers.keys()].filter((pattern) => !isBatchPattern(pattern));
  }

  /** The topics the app consumes (its handlers' patterns, without the batch handlers'). */
  get topics(): string[] {
    return this.subscribedTopics;
  }

  // Nest's pattern lookup parses the pattern on every call: once per pattern is enough.
  private readonly handlersByPattern = new Map<string, MessageHandler | null>();

  private handlerOf(pattern: string): MessageHandler | null {
    let handler = this.handlersByPattern.get(pattern);
    if (handler === undefined) this.handlersByPattern.set(pattern, (handler = this.getHandlerByPattern(pattern)));
    return handler;
  }

  protected async handle(topic: string, envelope: Envelope, context: BaseRpcContext): Promise<void> {
    const handler = this.handlerOf(topic);
    if (!handler) return;
    if (!spansEnabled()) return this.run(handler, envelope, context);
    await inSpan(`process ${topic}`, consumerSpan(envelope), () => this.run(handler, envelope, context));
  }

  /** Whether the app handles runs of `topic`'s messages at once (`@OnMessages`). */
  protected handlesBatches(topic: string): boolean {
    return this.handlerOf(batchPattern(topic)) !== null;
  }

  /** Hands a run of one topic's messages to its `@OnMessages` handler; throws when it failed (nothing of it is done). */
  protected async handleBatch(topic: string, envelopes: readonly Envelope[], context: BaseRpcContext): Promise<void> {
    if (!spansEnabled()) return this.run(this.handlerOf(batchPattern(topic)), envelopes, context);
    // One consumer span per message, each in its own message's trace; the batch's work runs under the first.
    const spans = envelopes.map((envelope) => openSpan(`process ${topic}`, consumerSpan(envelope, envelopes.length)));
    try {
      await withSpan(spans[0], () => this.run(this.handlerOf(batchPattern(topic)), envelopes, context));
    } catch (error) {
      for (const span of spans) endSpan(span, error);
      throw error;
    }
    for (const span of spans) endSpan(span);
  }

  /**
   * DurableDelivery's batch-first path (`runBatch`): verifies every envelope of a run of one topic's
   * messages and hands them to the topic's batch handler; false when it has none.
   */
  protected batchRunner(signer: MessageSigner): (messages: readonly InboundMessage[]) => Promise<boolean> {
    return async (messages) => {
      const { topic } = messages[0];
      if (!this.handlesBatches(topic)) return false;
      const envelopes = messages.map((m) => signer.verify(m.envelope as Envelope));
      await this.handleBatch(topic, envelopes, new MessageBatchContext([messages]));
      return true;
    };
  }

  private async run(handler: MessageHandler | null, payload: unknown, context: BaseRpcContext): Promise<void> {
    if (!handler) return;
    const result = await handler(payload, context);
    await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
  }

  override on(): never {
    throw new Error(`${this.constructor.name} has no events to listen to`);
  }
}

const consumerSpan = (envelope: Envelope, batchSize = 1) => ({
  kind: SpanKind.CONSUMER,
  parent: envelope.traceparent,
  attributes: {
    'messaging.operation.type': 'process',
    'messaging.destination.name': envelope.type,
    'messaging.message.id': envelope.id,
    'messaging.message.conversation_id': envelope.correlationid,
    'messaging.batch.message_count': batchSize,
    'tributary.tenant_id': envelope.tenantid,
  },
});

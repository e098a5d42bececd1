import { Server, type BaseRpcContext, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import type { Envelope } from '../envelope/envelope.js';

/**
 * What both transports' consumers share as Nest microservice strategies: the app's `@OnMessage`
 * handlers are looked up by topic and awaited to the end, so a transport commits only once the
 * handler's effect is done (and sees the handler's own error when it fails).
 */
export abstract class EnvelopeServer extends Server implements CustomTransportStrategy {
  protected get subscribedTopics(): string[] {
    return [...this.messageHandlers.keys()];
  }

  // Nest's pattern lookup parses the pattern on every call: once per topic is enough.
  private readonly handlersByTopic = new Map<string, MessageHandler | null>();

  protected async handle(topic: string, envelope: Envelope, context: BaseRpcContext): Promise<void> {
    let handler = this.handlersByTopic.get(topic);
    if (handler === undefined) this.handlersByTopic.set(topic, (handler = this.getHandlerByPattern(topic)));
    if (!handler) return;
    const result = await handler(envelope, context);
    await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
  }

  override on(): never {
    throw new Error(`${this.constructor.name} has no events to listen to`);
  }
}

import { EventPattern } from '@nestjs/microservices';
import type { TopicDefinition } from '@tributary/topics';

/**
 * Subscribes a handler method to one or more registry topics, on whichever transport the app runs.
 * The handler receives the verified `Envelope` (`@Payload()`); it parses `data` with `parsePayload`.
 */
export function OnMessage(...topics: TopicDefinition[]): MethodDecorator {
  const names: string[] = topics.map((t) => t.name);
  return EventPattern<string[]>(names);
}

/** The pattern a topic's batch handler is registered under (see `OnMessages`). */
export const batchPattern = (topic: string): string => `${topic}#batch`;
export const isBatchPattern = (pattern: string): boolean => pattern.endsWith('#batch');

/**
 * Subscribes a handler method to runs of messages of one or more topics (`@Payload()` is the
 * verified `Envelope[]`, in partition order): the batch-first path. It must be all or nothing — one
 * transaction, or one statement — and be paired with an `@OnMessage` handler of the same topics:
 * when a batch fails, its messages are delivered one by one through that handler, so a failing
 * message alone is retried or dead-lettered and its batch-mates are handled.
 */
export function OnMessages(...topics: TopicDefinition[]): MethodDecorator {
  return EventPattern<string[]>(topics.map((t) => batchPattern(t.name)));
}

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

import { routingKeyOf, type Envelope } from '@tributary/messaging';
import type { TopicDefinition } from '@tributary/topics';
import { sameBinding, type IntegrationDefinition, type QueueBinding } from '../sdk/integration.js';

/** A named queue of the worker: its binding and the topics its routes consume. */
export interface NamedQueue {
  readonly name: string;
  readonly binding: QueueBinding;
  readonly topics: readonly TopicDefinition[];
}

/** The consumer group of a named queue: the worker's group, `.q.`, the queue's name. */
export const queueGroupOf = (group: string, queue: string): string => `${group}.q.${queue}`;

/**
 * The worker's named queues, each once with the topics of its routes. Routes of different
 * integrations may share a queue only with the same binding (as within one, see `defineIntegration`):
 * throws otherwise, when the worker starts.
 */
export function namedQueuesOf(integrations: readonly IntegrationDefinition[]): NamedQueue[] {
  const queues = new Map<string, { binding: QueueBinding; owner: string; topics: Map<string, TopicDefinition> }>();
  for (const integration of integrations) {
    for (const route of integration.routes) {
      if (!route.queue) continue;
      const queue = queues.get(route.queue.name);
      if (queue && !sameBinding(queue.binding, route.queue)) {
        throw new Error(`Route "${route.method}" of ${integration.name} binds queue "${route.queue.name}" differently from ${queue.owner} (routes of one queue share its binding)`);
      }
      const entry = queue ?? { binding: route.queue, owner: integration.name, topics: new Map<string, TopicDefinition>() };
      entry.topics.set(route.topic.name, route.topic);
      queues.set(route.queue.name, entry);
    }
  }
  return [...queues].map(([name, { binding, topics }]) => ({ name, binding, topics: [...topics.values()] }));
}

/**
 * Whether a queue's binding routes the message to it: by its routing key (the `routingkey`
 * attribute, else its subject) or its `headers` attribute.
 */
export function routesTo(binding: QueueBinding, envelope: Envelope): boolean {
  switch (binding.exchange) {
    case 'fanout':
      return true;
    case 'direct': {
      const key = routingKeyOf(envelope).split('.');
      return binding.routingKeys.some((pattern) => keyMatches(pattern.split('.'), key));
    }
    case 'header': {
      const headers: Readonly<Record<string, string>> = envelope.headers ?? {};
      const equal = ([name, value]: [string, string]) => Object.hasOwn(headers, name) && headers[name] === value;
      const rules = Object.entries(binding.headers);
      return (binding.match ?? 'all') === 'all' ? rules.every(equal) : rules.some(equal);
    }
  }
}

/** A routing key's words against a pattern's: `*` is one word, `#` any number (none included). */
function keyMatches(pattern: readonly string[], key: readonly string[]): boolean {
  // reachable[j]: the pattern's words so far can match the key's first j words.
  let reachable = Array.from({ length: key.length + 1 }, (_, j) => j === 0);
  for (const word of pattern) {
    const next = new Array<boolean>(key.length + 1).fill(false);
    for (let j = 0; j <= key.length; j++) {
      if (word === '#') next[j] = next[j - 1] === true || reachable[j];
      else if (j > 0 && reachable[j - 1] && (word === '*' || word === key[j - 1])) next[j] = true;
    }
    reachable = next;
  }
  return reachable[key.length];
}

import type { INestApplication } from '@nestjs/common';
import { connectConsumer, type ConsumerOptions, type KafkaTransportServer, type PostgresTransportServer } from '@tributary/messaging';
import { CONSUMER_GROUP, MAIN_DISPATCH, QUEUE_DISPATCH, type QueueDispatch } from './integrations.module.js';
import { queueGroupOf } from './queue-bindings.js';

/** A consumer the worker connected: its group, and the named queue it serves (none: the main group). */
export interface IntegrationConsumer {
  readonly group: string;
  readonly queue?: string;
  readonly server: PostgresTransportServer | KafkaTransportServer;
}

/**
 * Connects the worker's consumers on its transport: the main group (`IntegrationsOptions.group`: the
 * routes without a named queue, and the action requests) and one group per named queue
 * (`<group>.q.<queue>`: its routes only), each with its own offsets, retries and dead letters.
 */
export function connectIntegrationConsumers(app: INestApplication, options: Omit<ConsumerOptions, 'transportId' | 'group' | 'startFromGroup'>): IntegrationConsumer[] {
  const main = app.get<string>(CONSUMER_GROUP);
  const queues = app.get<QueueDispatch[]>(QUEUE_DISPATCH);
  return [
    { group: main, server: connectConsumer(app, { ...options, group: main, transportId: MAIN_DISPATCH }) },
    ...queues.map(({ queue, transportId }) => {
      const group = queueGroupOf(main, queue.name);
      // A queue bound to a running deployment takes its topics' messages from where the main group stands, not their history.
      return { group, queue: queue.name, server: connectConsumer(app, { ...options, group, transportId, startFromGroup: main }) };
    }),
  ];
}

import { Controller, Inject, Module, type DynamicModule, type Type } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { batchPattern, type Envelope, type RetryPolicy } from '@tributary/messaging';
import type { TopicDefinition } from '@tributary/topics';
import { ActionAnswerLog } from '../ingest/action-answer-log.js';
import { DataFetcher } from './data-fetcher.js';
import { OutboundHttpMetrics } from './outbound-http-metrics.js';
import { DeploymentDirectory } from './deployment-directory.js';
import { EffectJournal } from './effect-journal.js';
import type { IntegrationDefinition } from '../sdk/integration.js';
import { DEFAULT_RETRY, INTEGRATIONS, IntegrationRuntime, type Delivery } from './integration-runtime.js';
import { namedQueuesOf, queueGroupOf, type NamedQueue } from './queue-bindings.js';
import { RunRecorder } from './run-recorder.js';

/** The transport id the main group's consumer runs its dispatcher under (see `connectIntegrationConsumers`). */
export const MAIN_DISPATCH = Symbol('integration-worker:main');

/** The dispatchers of the named queues, each under its own transport id (see `connectIntegrationConsumers`). */
export const QUEUE_DISPATCH = Symbol('QUEUE_DISPATCH');

/** A named queue's dispatcher: its consumer connects with `transportId` to run it alone. */
export interface QueueDispatch {
  readonly queue: NamedQueue;
  readonly transportId: symbol;
}

/**
 * A message handler of the worker: the main group's (every topic of a route without a named queue,
 * and the action requests; `queue` unset) or one named queue's, dispatched to the integrations (a
 * batch at a time where it can). Its patterns name `transportId`, so only the consumer connected
 * with that id runs it: each group consumes only its own topics.
 */
function dispatcherFor(topics: readonly TopicDefinition[], transportId: symbol, group: string, queue?: string): Type<unknown> {
  @Controller()
  class IntegrationDispatcher {
    constructor(@Inject(IntegrationRuntime) private readonly runtime: IntegrationRuntime) {}

    async handle(envelope: Envelope, context: { attempt?: number; message?: Omit<Delivery, 'group'> }): Promise<void> {
      // Where the transport delivered it (both transports' contexts carry it): what holding it unsettled needs.
      const delivery = context?.message && { topic: context.message.topic, partition: context.message.partition, offset: context.message.offset, key: context.message.key, group };
      await this.runtime.dispatch(envelope, context?.attempt ?? 1, queue, delivery);
    }

    async handleBatch(envelopes: Envelope[]): Promise<void> {
      await this.runtime.dispatchBatch(envelopes, queue);
    }
  }
  // The topics are known only once the integrations are: decorate here rather than in the class body.
  const prototype = IntegrationDispatcher.prototype;
  EventPattern(topics.map((t) => t.name), transportId)(prototype, 'handle', Object.getOwnPropertyDescriptor(prototype, 'handle')!);
  Payload()(prototype, 'handle', 0);
  Ctx()(prototype, 'handle', 1);
  const batchable = topics.filter(IntegrationRuntime.batchable).map((t) => batchPattern(t.name));
  EventPattern(batchable, transportId)(prototype, 'handleBatch', Object.getOwnPropertyDescriptor(prototype, 'handleBatch')!);
  Payload()(prototype, 'handleBatch', 0);
  return IntegrationDispatcher;
}

/** The worker's consumer group; each named queue has its own, `integration-worker.q.<queue>`. */
export const WORKER_GROUP = 'integration-worker';

/** The main consumer group (`IntegrationsOptions.group`); a named queue's is `<group>.q.<queue>`. */
export const CONSUMER_GROUP = Symbol('CONSUMER_GROUP');

export interface IntegrationsOptions {
  readonly integrations: readonly IntegrationDefinition[];
  /** The main consumer group (default `WORKER_GROUP`): what `connectIntegrationConsumers` connects. */
  readonly group?: string;
  /** The retry policy of handlers that declare none. */
  readonly retry: RetryPolicy;
}

/** Runs the integrations: their handler classes as providers, a dispatcher per group (the main one, each named queue's), the runtime. */
@Module({})
export class IntegrationsModule {
  static forRoot(options: IntegrationsOptions): DynamicModule {
    const handlers = [...new Set(options.integrations.flatMap((i) => [...i.routes, ...(i.data ?? [])].map((r) => r.handler)))];
    const queues: QueueDispatch[] = namedQueuesOf(options.integrations).map((queue) => ({ queue, transportId: Symbol(`integration-worker:queue:${queue.name}`) }));
    return {
      module: IntegrationsModule,
      global: true,
      controllers: [
        dispatcherFor(IntegrationRuntime.topicsOf(options.integrations), MAIN_DISPATCH, options.group ?? 'integration-worker'),
        ...queues.map(({ queue, transportId }) => dispatcherFor(queue.topics, transportId, queueGroupOf(options.group ?? 'integration-worker', queue.name), queue.name)),
      ],
      providers: [
        { provide: QUEUE_DISPATCH, useValue: queues },
        { provide: CONSUMER_GROUP, useValue: options.group ?? WORKER_GROUP },
        { provide: INTEGRATIONS, useValue: options.integrations },
        { provide: DEFAULT_RETRY, useValue: options.retry },
        ...handlers,
        ...options.integrations.flatMap((i) => i.providers ?? []),
        IntegrationRuntime,
        RunRecorder,
        EffectJournal,
        DeploymentDirectory,
        DataFetcher,
        OutboundHttpMetrics,
        // What the data fetcher records of each upstream answer (the ingest feature serves it).
        ActionAnswerLog,
      ],
      exports: [IntegrationRuntime, RunRecorder, DeploymentDirectory, DataFetcher, INTEGRATIONS, QUEUE_DISPATCH, CONSUMER_GROUP],
    };
  }
}

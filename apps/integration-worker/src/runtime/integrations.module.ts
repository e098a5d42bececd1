import { Controller, Inject, Module, type DynamicModule, type Type } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { OnMessage, OnMessages, type Envelope, type RetryPolicy } from '@tributary/messaging';
import type { TopicDefinition } from '@tributary/topics';
import { DataFetcher } from './data-fetcher.js';
import { DeploymentDirectory } from './deployment-directory.js';
import { EffectJournal } from './effect-journal.js';
import type { IntegrationDefinition } from '../sdk/integration.js';
import { DEFAULT_RETRY, INTEGRATIONS, IntegrationRuntime } from './integration-runtime.js';
import { RunRecorder } from './run-recorder.js';

/** The one message handler of the worker: every routed topic, dispatched to the integrations (a batch at a time where it can). */
function dispatcherFor(topics: readonly TopicDefinition[]): Type<unknown> {
  @Controller()
  class IntegrationDispatcher {
    constructor(@Inject(IntegrationRuntime) private readonly runtime: IntegrationRuntime) {}

    async handle(envelope: Envelope, context: { attempt?: number }): Promise<void> {
      await this.runtime.dispatch(envelope, context?.attempt ?? 1);
    }

    async handleBatch(envelopes: Envelope[]): Promise<void> {
      await this.runtime.dispatchBatch(envelopes);
    }
  }
  // The topics are known only once the integrations are: decorate here rather than in the class body.
  const prototype = IntegrationDispatcher.prototype;
  OnMessage(...topics)(prototype, 'handle', Object.getOwnPropertyDescriptor(prototype, 'handle')!);
  Payload()(prototype, 'handle', 0);
  Ctx()(prototype, 'handle', 1);
  OnMessages(...topics.filter(IntegrationRuntime.batchable))(prototype, 'handleBatch', Object.getOwnPropertyDescriptor(prototype, 'handleBatch')!);
  Payload()(prototype, 'handleBatch', 0);
  return IntegrationDispatcher;
}

export interface IntegrationsOptions {
  readonly integrations: readonly IntegrationDefinition[];
  /** The retry policy of handlers that declare none. */
  readonly retry: RetryPolicy;
}

/** Runs the integrations: their handler classes as providers, one dispatcher, the runtime. */
@Module({})
export class IntegrationsModule {
  static forRoot(options: IntegrationsOptions): DynamicModule {
    const handlers = [...new Set(options.integrations.flatMap((i) => [...i.routes, ...(i.data ?? [])].map((r) => r.handler)))];
    return {
      module: IntegrationsModule,
      global: true,
      controllers: [dispatcherFor(IntegrationRuntime.topicsOf(options.integrations))],
      providers: [
        { provide: INTEGRATIONS, useValue: options.integrations },
        { provide: DEFAULT_RETRY, useValue: options.retry },
        ...handlers,
        ...options.integrations.flatMap((i) => i.providers ?? []),
        IntegrationRuntime,
        RunRecorder,
        EffectJournal,
        DeploymentDirectory,
        DataFetcher,
      ],
      exports: [IntegrationRuntime, RunRecorder, DeploymentDirectory, DataFetcher, INTEGRATIONS],
    };
  }
}

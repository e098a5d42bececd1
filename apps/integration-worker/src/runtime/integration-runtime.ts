import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { TributaryError } from '@tributary/domain';
import {
  BatchRunsFailed,
  describeError,
  hasRetryPolicy,
  Inbox,
  inboxKey,
  MessagePublisher,
  partitionKeyOf,
  NonRetryable,
  traceIdOf,
  withRetryPolicy,
  type Envelope,
  type HeldDelivery,
  type OutgoingMessage,
  type RetryPolicy,
} from '@tributary/messaging';
import { TenantContext } from '@tributary/tenancy';
import { parsePayload, Topics, topicByName, type ActionRequested, type TopicDefinition } from '@tributary/topics';
import { DataSource, type EntityManager } from 'typeorm';
import { ActionAnswerLog } from '../ingest/action-answer-log.js';
import { DeploymentDirectory, type ActionTarget } from './deployment-directory.js';
import { EffectJournal } from './effect-journal.js';
import type { IntegrationDefinition, Route } from '../sdk/integration.js';
import {
  isSkipped,
  skipped,
  type EffectAttempt,
  type HandlerContext,
  type HandlerHttp,
  type HandlerLogger,
  type HandlerResult,
  type IntegrationHandler,
  type OnceOptions,
  type RequestOptions,
  type SettledState,
  type SettleOutcome,
  type Skipped,
} from '../sdk/integration-handler.js';
import { OutboundHttp } from './outbound-http.js';
import { OutboundHttpMetrics } from './outbound-http-metrics.js';
import { BatchCommit, type PendingCommit } from './batch-commit.js';
import { RunRecorder, type RunEnd, type RunStart } from './run-recorder.js';
import { replyPayload, replyTopicOf, RequestDesk } from './request-desk.js';
import { SettlementBook, SettlementPending } from './settlement-book.js';
import { routesTo } from './queue-bindings.js';

export const INTEGRATIONS = Symbol('INTEGRATIONS');
export const DEFAULT_RETRY = Symbol('DEFAULT_RETRY');
/** The longest a message can be left unsettled (`settleLater`): 7 days. */
export const MAX_SETTLE_DEADLINE_MS = 7 * 24 * 3_600_000;

interface Bound {
  readonly integration: IntegrationDefinition;
  readonly route: Route;
}

type Trigger = 'topic' | 'schedule' | 'manual';

/**
 * Runs the integrations' handlers for each message: finds the routes of its topic (and, for
 * per-action routes, the tenant's actions with their deployments), runs each handler in its context,
 * commits its output to the onSuccess targets with its inbox claim and run record, and hands
 * failures back to the transport with the handler's retry policy.
 */
@Injectable()
export class IntegrationRuntime {
  private readonly routesByTopic = new Map<string, Bound[]>();
  private readonly routesByMethod = new Map<string, Bound>();
  private readonly logger = new Logger('IntegrationRuntime');
  /** The topics routes await replies on (`replies`): their messages with `inreplyto` are recorded. */
  private readonly replyTopics = new Set<string>();
  private readonly requests: RequestDesk;
  private readonly book: SettlementBook;

  constructor(
    @Inject(INTEGRATIONS) integrations: readonly IntegrationDefinition[],
    @Inject(DEFAULT_RETRY) private readonly defaultRetry: RetryPolicy,
    private readonly moduleRef: ModuleRef,
    private readonly dataSource: DataSource,
    private readonly inbox: Inbox,
    private readonly publisher: MessagePublisher,
    private readonly runs: RunRecorder,
    private readonly effects: EffectJournal,
    private readonly directory: DeploymentDirectory,
    /** @internal where a run of an action keeps the answers its `context.http` gets (see RunContext). */
    readonly answers: ActionAnswerLog,
    /** @internal counts the attempts of every run's `context.http` (see RunContext). */
    readonly outboundMetrics: OutboundHttpMetrics,
  ) {
    for (const integration of integrations) {
      for (const route of integration.routes) {
        const bound = { integration, route };
        const key = topicKeyOf(route.topic.name, route.queue?.name);
        this.routesByTopic.set(key, [...(this.routesByTopic.get(key) ?? []), bound]);
        this.routesByMethod.set(`${integration.name}.${route.method}`, bound);
        for (const topic of route.replies ?? []) this.replyTopics.add(topic.name);
      }
    }
    this.requests = new RequestDesk(dataSource, publisher);
    this.book = new SettlementBook(dataSource, inbox, publisher, runs, {
      policyOf: (integration, method) => this.policyOf(this.routesByMethod.get(`${integration}.${method}`)?.route),
      outgoingOf: (integration, method, envelope, output) => {
        const route = this.routesByMethod.get(`${integration}.${method}`)?.route;
        if (!route) throw new TributaryError('internal', 'method_unknown', `${integration} has no method ${method}`);
        return this.outgoing({ route, envelope, tenant: { tenantId: envelope.tenantid } }, [output]);
      },
    });
  }

  /** Every topic a handler of the main group (a route without a named queue) consumes, and the action requests. */
  static topicsOf(integrations: readonly IntegrationDefinition[]): TopicDefinition[] {
    const topics = new Map<string, TopicDefinition>([[Topics.actionRequested.name, Topics.actionRequested as unknown as TopicDefinition]]);
    for (const integration of integrations) for (const route of integration.routes) if (!route.queue) topics.set(route.topic.name, route.topic);
    // The reply topics routes await replies on: the main group records their replies.
    for (const integration of integrations) for (const route of integration.routes) for (const topic of route.replies ?? []) topics.set(topic.name, topic);
    return [...topics.values()];
  }

  route(integration: string, method: string): Route | undefined {
    return this.routesByMethod.get(`${integration}.${method}`)?.route;
  }

  /**
   * Runs a message's routes: those of the main group, or with `queue` those bound to that named
   * queue — and only if its binding routes the message there (else it passes by: no run, no claim).
   */
  async dispatch(envelope: Envelope, attempt: number, queue?: string, delivery?: Delivery): Promise<void> {
    await this.requests.record([envelope], this.replyTopics);
    if (queue === undefined && envelope.type === Topics.actionRequested.name) return this.runRequested(envelope, attempt, delivery);
    const bound = this.routesByTopic.get(topicKeyOf(envelope.type, queue)) ?? [];
    if (bound.length === 0) return;
    const binding = bound[0].route.queue;
    if (binding && !routesTo(binding, envelope)) return;
    const input = parsePayload(topicByName(envelope.type), envelope.data);
    // Every route runs whatever another does: each has its own inbox, so a retry of the message runs
    // again only the routes that failed, and a route that fails for good (the message dead-lettered)
    // never keeps another — the customer's notification beside a broken relay — from running.
    const failures: unknown[] = [];
    const attemptRun = (run: Promise<void>) => run.catch((error: unknown) => void failures.push(error));
    for (const { integration, route } of bound) {
      if (route.runs === 'always') {
        await attemptRun(this.run(integration, route, undefined, 'topic', input, envelope, attempt, undefined, delivery));
        continue;
      }
      for (const target of await this.directory.onTopic(this.dataSource, envelope.tenantid, integration.name, route.method)) {
        await attemptRun(this.run(integration, route, target, 'topic', input, envelope, attempt, undefined, delivery));
      }
    }
    // The first failure decides the message's retry (its route's policy); the others were logged and recorded.
    if (failures.length > 0) throw failures[0];
  }

  /** Whether a topic's messages can be dispatched a batch at a time (`dispatchBatch`): every topic but the action requests. */
  static batchable(topic: TopicDefinition): boolean {
    return topic.name !== Topics.actionRequested.name;
  }

  /**
   * The batch-first `dispatch`: the messages of one topic, in partition order, each run through its
   * routes as `dispatch` does, but committed together — one transaction for the batch, with the
   * inbox claims, outputs and run records as multi-row statements (see `BatchCommit`). All or
   * nothing: if any run fails, nothing is written and this throws; the transport then dispatches
   * the messages one by one, so the failing one alone is retried or dead-lettered. A run that failed
   * itself — its handler, or its commit's work — was its message's first attempt: the error names
   * those messages (`BatchRunsFailed`, each with its route's retry policy), so the transport records
   * their failures without running them again. External effects done before the failure (`once`)
   * are journaled and not repeated then.
   */
  async dispatchBatch(envelopes: readonly Envelope[], queue?: string): Promise<void> {
    await this.requests.record(envelopes, this.replyTopics);
    const bound = this.routesByTopic.get(topicKeyOf(envelopes[0]?.type ?? '', queue)) ?? [];
    if (bound.length === 0) return;
    const binding = bound[0].route.queue;
    const planned: Array<{ integration: IntegrationDefinition; route: Route; target?: ActionTarget; input: object; envelope: Envelope; consumer: string }> = [];
    const targetsOf = new Map<string, Promise<ActionTarget[]>>();
    for (const envelope of envelopes) {
      if (binding && !routesTo(binding, envelope)) continue;
      const input = parsePayload(topicByName(envelope.type), envelope.data);
      for (const { integration, route } of bound) {
        if (route.runs === 'always') {
          planned.push({ integration, route, input, envelope, consumer: consumerOf(integration, route) });
          continue;
        }
        const key = `${envelope.tenantid}\u0000${integration.name}.${route.method}`;
        if (!targetsOf.has(key)) targetsOf.set(key, this.directory.onTopic(this.dataSource, envelope.tenantid, integration.name, route.method));
        for (const target of await targetsOf.get(key)!) planned.push({ integration, route, target, input, envelope, consumer: consumerOf(integration, route, target) });
      }
    }
    const handled = await this.inbox.handledAll(this.dataSource, planned.map((p) => ({ consumer: p.consumer, messageId: p.envelope.id })));
    // A message redelivered within the batch runs once, as one by one the inbox would see to.
    const runs = planned.filter((p) => {
      const key = inboxKey(p.consumer, p.envelope.id);
      if (handled.has(key)) return false;
      handled.add(key);
      return true;
    });
    if (runs.length === 0) return;
    const group = new BatchCommit<RunContext>(runs.length, (commits) => this.commitBatch(commits));
    // Runs of different keys go on at once; those of one key one after the other up to their commit,
    // so their external effects (a mail, a call) happen in the messages' order, as one by one. Once a
    // run failed the batch will write nothing: runs not yet started do not start (their effects would
    // come before those of the failed message when the batch is redone one by one).
    const lastOfKey = new Map<string, Promise<void>>();
    const contexts = new Map<number, RunContext>();
    // The runs that failed themselves, by their place in the batch; the others failed because the
    // batch did (their commit rejected, or not started).
    const failedRuns = new Map<number, unknown>();
    const outcomes = await Promise.allSettled(
      runs.map(async ({ integration, route, target, input, envelope, consumer }, index) => {
        const key = partitionKeyOf(envelope);
        const previous = lastOfKey.get(key);
        let arrived!: () => void;
        const reached = new Promise<void>((resolve) => (arrived = resolve));
        lastOfKey.set(key, reached);
        let context: RunContext | undefined;
        try {
          await previous;
          if (group.failing) throw new BatchAbandoned();
          const start = runStart(integration, route, target, 'topic', envelope, 1);
          const id = target ? await this.runs.begin(this.dataSource, start) : undefined;
          context = new RunContext(this, integration, route, target, 'topic', envelope, 1, consumer, start, id, { group, index, arrived });
          contexts.set(index, context);
          const handler = this.moduleRef.get(route.handler, { strict: false }) as IntegrationHandler<object, object>;
          // The route's timeout bounds the handler up to its commit, not the wait for the rest of the batch.
          const result = await withTimeout(handler.handle(input, context), route.timeoutMs, `${consumer} took longer than ${route.timeoutMs} ms`, reached);
          if (!context.committed) await context.commit(async () => result);
        } catch (error) {
          arrived();
          group.failed(index, error);
          // Failed itself: its handler before reaching its commit, or its commit's work in the batch's transaction
          // (a run that settles later is not: it runs again one by one, where its message can be held).
          const own = context && !(error instanceof SettleOneByOne) && (context.commitFailure ?? (context.committed ? undefined : { error }));
          if (context && own) {
            context.logger.warn(`${consumer} failed (attempt 1)`, { errorCode: describeError(own.error).code });
            failedRuns.set(index, this.withRouteRetry(own.error, route));
          }
          throw error;
        }
      }),
    );
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected' && !(o.reason instanceof BatchAbandoned));
    if (!failed && group.committed) return;
    // Runs of actions recorded as begun end as failed: the messages are redone one by one, with runs
    // of their own. So does a run that failed itself: it was its message's first attempt.
    for (const [index, context] of contexts) {
      const own = failedRuns.has(index);
      if (!context.runId && !own) continue;
      const error = own ? failedRuns.get(index) : (failed?.reason ?? new BatchAbandoned());
      await this.runs
        .end(this.dataSource, context.runId, context.start, { state: 'fail', durationMs: context.elapsedMs(), error, repeatedEffects: context.repeatedEffects })
        .catch((e) => this.logger.warn(`Could not record a failed run: ${describeError(e).message}`));
    }
    if (failedRuns.size > 0) {
      // A named message is not run again (its failure is recorded as its first attempt), so its other
      // routes run here, each committed on its own as one by one (see `dispatch`): a route that fails
      // for good must not keep them from running if the message is dead-lettered. A retry of the
      // message runs only the routes whose inbox is not claimed.
      const failedMessages = new Set([...failedRuns.keys()].map((index) => runs[index].envelope.id));
      for (const [index, planned] of runs.entries()) {
        if (failedRuns.has(index) || !failedMessages.has(planned.envelope.id)) continue;
        await this.run(planned.integration, planned.route, planned.target, 'topic', planned.input, planned.envelope, 1).catch((error: unknown) =>
          failedRuns.set(index, error),
        );
      }
      throw new BatchRunsFailed([...failedRuns].sort(([a], [b]) => a - b).map(([index, error]) => ({ messageId: runs[index].envelope.id, error })));
    }
    throw failed?.reason ?? new TributaryError('internal', 'batch_not_committed', 'The batch ended without its commit');
  }

  /** The transaction of a batch's commits (see `commit` for one): claims, each run's work in order, outputs, run records. */
  private async commitBatch(commits: readonly PendingCommit<RunContext>[]): Promise<void> {
    const results = await this.dataSource.transaction(async (db) => {
      const claimed = await this.inbox.claimAll(db, commits.map((c) => ({ consumer: c.context.consumer, messageId: c.context.messageId })));
      const outputs: OutgoingMessage[] = [];
      const ended: Parameters<RunRecorder['endAll']>[1][number][] = [];
      const settled: unknown[] = [];
      for (const { context, work } of commits) {
        if (!claimed.delete(inboxKey(context.consumer, context.messageId))) {
          settled.push(skipped('already handled'));
          continue;
        }
        const result = await work(db);
        const produced = outputsOf(result as HandlerResult<object>);
        try {
          outputs.push(...this.outgoing(context, produced));
        } catch (error) {
          // An output its target (or the request's reply topic) refuses is this run's own failure, as its work's would be.
          context.commitFailure = { error };
          throw error;
        }
        ended.push({ id: context.runId, run: context.start, end: this.runEnd(context, result, produced.length) });
        settled.push(result);
      }
      await this.publisher.publishAll(db, outputs);
      await this.runs.endAll(db, ended);
      return settled;
    });
    commits.forEach((commit, i) => commit.resolve(results[i]));
  }

  /**
   * What a run's onSuccess targets publish for its outputs — and, when its message is a request
   * (`replyto`), the outputs as replies: validated against the reply topic, `inreplyto` the
   * request's id, its correlation id kept.
   */
  private outgoing(context: Pick<RunContext, 'route' | 'envelope'> & { readonly tenant: { readonly tenantId: string } }, outputs: readonly object[]): OutgoingMessage[] {
    const messages: OutgoingMessage[] = [];
    const { replyto } = context.envelope;
    if (replyto !== undefined && outputs.length > 0) {
      const topic = replyTopicOf(replyto);
      for (const output of outputs) {
        messages.push({ topic, data: replyPayload(topic, output), origin: { tenantId: context.tenant.tenantId, cause: context.envelope, queue: { inReplyTo: context.envelope.id } } });
      }
    }
    for (const target of context.route.onSuccess) {
      for (const output of outputs) {
        const data = target.map(output);
        if (data === undefined) continue;
        messages.push({ topic: target.topic, data: parsePayload(target.topic, data), origin: { tenantId: context.tenant.tenantId, cause: context.envelope } });
      }
    }
    return messages;
  }

  private runEnd(context: RunContext, result: unknown, outputs: number): RunEnd {
    return {
      state: isSkipped(result) ? 'skip' : 'ok',
      durationMs: context.elapsedMs(),
      outputs,
      skipReason: isSkipped(result) ? result.reason : undefined,
      response: context.recorded.response,
      foreignId: context.recorded.foreignId,
      repeatedEffects: context.repeatedEffects,
    };
  }

  /** A scheduled or manual run: the action's method with the requested input. */
  private async runRequested(envelope: Envelope, attempt: number, delivery?: Delivery): Promise<void> {
    const request = parsePayload(Topics.actionRequested, envelope.data) as ActionRequested;
    const target = await this.directory.action(this.dataSource, envelope.tenantid, request.actionId);
    if (!target) throw new NonRetryable('action_not_found', 'The action does not exist or is disabled');
    const bound = this.routesByMethod.get(`${target.integration}.${target.method}`);
    if (!bound) throw new NonRetryable('method_unknown', `${target.integration} has no method ${target.method}`);
    const input = parsePayload(bound.route.topic, request.input);
    await this.run(bound.integration, bound.route, target, request.trigger, input, envelope, attempt, request.runId, delivery);
  }

  private async run(
    integration: IntegrationDefinition,
    route: Route,
    target: ActionTarget | undefined,
    trigger: Trigger,
    input: object,
    envelope: Envelope,
    attempt: number,
    runId?: string,
    delivery?: Delivery,
  ): Promise<void> {
    const consumer = consumerOf(integration, route, target);
    if (await this.inbox.handled(this.dataSource, consumer, envelope.id)) return;
    const held = delivery && heldOf(envelope, delivery);
    // A redelivery of a message an earlier attempt left unsettled: what its settlement decides.
    if (attempt > 1 && held) {
      const settling = { tenantId: envelope.tenantid, consumer, integration: integration.name, method: route.method, actionId: target?.actionId, envelope, attempt, delivery: held };
      if ((await this.book.beforeRun(settling).catch((error: unknown) => Promise.reject(this.withRouteRetry(error, route)))) === 'handled') return;
    }
    const start = runStart(integration, route, target, trigger, envelope, attempt);
    // Runs of actions (which call out) are recorded before they start; the others when they end.
    const id = runId ?? (target ? await this.runs.begin(this.dataSource, start) : undefined);
    const context = new RunContext(this, integration, route, target, trigger, envelope, attempt, consumer, start, id, undefined, held);
    const handler = this.moduleRef.get(route.handler, { strict: false }) as IntegrationHandler<object, object>;
    try {
      const result = await withTimeout(handler.handle(input, context), route.timeoutMs, `${consumer} took longer than ${route.timeoutMs} ms`);
      if (context.settlement) await this.book.hold(context.settling(), context.settlement.token, context.settlement.deadlineMs, context.elapsedMs());
      else if (!context.committed) await context.commit(async () => result);
    } catch (error) {
      // Held unsettled: the run is recorded pending, and the message waits for its settlement.
      if (error instanceof SettlementPending) throw error;
      // Failed after settleLater: nothing is held, the token is void and the message retried as after any failure.
      if (context.settlement) {
        await this.book
          .abandon(context.settling(), context.settlement.token)
          .catch((e) => this.logger.warn(`Could not void the settlement of a failed run: ${describeError(e).message}`));
      }
      context.logger.warn(`${consumer} failed (attempt ${attempt})`, { errorCode: describeError(error).code });
      await this.runs
        .end(this.dataSource, context.runId, start, { state: 'fail', durationMs: context.elapsedMs(), error, repeatedEffects: context.repeatedEffects })
        .catch((e) => this.logger.warn(`Could not record a failed run: ${describeError(e).message}`));
      throw this.withRouteRetry(error, route);
    }
  }

  /** A run's failure as the transport gets it: with the route's retry policy, unless it carries its own. */
  private withRouteRetry(error: unknown, route: Route): unknown {
    return hasRetryPolicy(error) ? error : withRetryPolicy(error, this.policyOf(route));
  }

  private policyOf(route: Route | undefined): RetryPolicy {
    return { ...this.defaultRetry, ...route?.retry };
  }

  /** @internal a RunContext's `request` (see `RequestDesk`). */
  request<R extends object>(context: RunContext, topic: TopicDefinition, payload: object, options: RequestOptions<R>, name: string): Promise<R> {
    if (!context.route.replies.some((t) => t.name === options.replyTopic.name)) {
      throw new TributaryError('internal', 'reply_topic_undeclared', `${context.consumer} awaits replies on ${options.replyTopic.name} without declaring it in its route's replies`);
    }
    const requester = { tenantId: context.tenant.tenantId, consumer: context.consumer, idempotencyKey: context.idempotencyKey, envelope: context.envelope };
    // At most what is left of the run's own time (the route's timeoutMs): a run that timed out is not woken by a later reply.
    const timeoutMs = Math.max(1, Math.min(options.timeoutMs ?? 10_000, context.route.timeoutMs - context.elapsedMs()));
    return this.requests.request(requester, topic, payload, options.replyTopic, name, timeoutMs);
  }

  /** @internal a RunContext's `settleLater`: opens its settlement (the run record is begun if it was not). */
  async settleLater(context: RunContext, deadlineMs: number): Promise<string> {
    if (!Number.isInteger(deadlineMs) || deadlineMs < 1 || deadlineMs > MAX_SETTLE_DEADLINE_MS) {
      // A held message holds its key: a deadline is bounded, so no handler can park a key for good.
      throw new TributaryError('internal', 'settle_later_unsupported', `deadlineMs must be a whole number of milliseconds from 1 to ${MAX_SETTLE_DEADLINE_MS} (7 days)`);
    }
    if (!context.delivery) throw new TributaryError('internal', 'settle_later_unsupported', 'This run was not delivered by a transport: it cannot be held unsettled');
    context.runId ??= await this.runs.begin(this.dataSource, context.start);
    return this.book.open(context.settling(), deadlineMs);
  }

  /**
   * Settles a message left unsettled (`settleLater`'s token) for `tenantId` (undefined: the platform
   * admin, any tenant's): see `SettlementBook.settle`.
   */
  settle(tenantId: string | undefined, token: string, outcome: SettleOutcome): Promise<SettledState> {
    return this.book.settle(tenantId, token, outcome);
  }

  /** @internal the commit a RunContext performs. */
  async commit<R>(context: RunContext, work: (db: EntityManager) => Promise<R>): Promise<R | Skipped> {
    return this.dataSource.transaction(async (db) => {
      if (!(await this.inbox.claim(db, context.consumer, context.messageId))) return skipped('already handled');
      const result = await work(db);
      const outputs = outputsOf(result as HandlerResult<object>);
      await this.publisher.publishAll(db, this.outgoing(context, outputs));
      await this.runs.end(db, context.runId, context.start, this.runEnd(context, result, outputs.length));
      // A scheduled run that ended lets its schedule fire again (see CronScheduler's run lock).
      if (context.start.trigger === 'schedule' && context.runId) {
        // SQL: hot path, the run's commit (one statement, in its transaction)
        await db.query(`UPDATE worker.schedules SET running_until = NULL WHERE last_run_id = $1`, [context.runId]);
      }
      return result;
    });
  }

  /** @internal */
  once<R>(context: RunContext, name: string, effect: (key: string, attempt: EffectAttempt) => Promise<R>, options: OnceOptions<R>): Promise<R> {
    // A repeat (an earlier attempt's outcome unknown after a crash) is counted on the run record too.
    const counted = (key: string, attempt: EffectAttempt) => {
      if (attempt.repeat) context.repeatedEffects += 1;
      return effect(key, attempt);
    };
    return this.effects.once(context.tenant.tenantId, options.key ?? context.idempotencyKey, name, context.route.timeoutMs, counted, options);
  }
}

/** Where the runtime keeps a topic's routes: the main group's, or a named queue's. */
const topicKeyOf = (topic: string, queue: string | undefined): string => (queue === undefined ? topic : `${queue}\u0000${topic}`);

const consumerOf = (integration: IntegrationDefinition, route: Route, target?: ActionTarget): string =>
  `${integration.name}.${route.method}${target ? `:${target.actionId}` : ''}`;

const runStart = (integration: IntegrationDefinition, route: Route, target: ActionTarget | undefined, trigger: Trigger, envelope: Envelope, attempt: number): RunStart => ({
  tenantId: envelope.tenantid,
  integration: integration.name,
  method: route.method,
  actionId: target?.actionId,
  deploymentId: target?.deployment.id,
  trigger,
  messageId: envelope.id,
  attempt,
});

function outputsOf(result: HandlerResult<object>): object[] {
  if (result === undefined || result === null || isSkipped(result)) return [];
  return Array.isArray(result) ? [...result] : [result as object];
}

/** The context one handler execution gets. */
export class RunContext implements HandlerContext<object> {
  readonly tenant: TenantContext;
  readonly integration: string;
  readonly method: string;
  readonly action?: { readonly id: string; readonly trigger: Trigger };
  readonly deployment?: ActionTarget['deployment'];
  readonly messageId: string;
  readonly topic: string;
  readonly traceId: string;
  readonly traceparent: string;
  readonly correlationId: string;
  readonly idempotencyKey: string;
  readonly logger: HandlerLogger;
  readonly http: HandlerHttp;
  readonly recorded: { foreignId?: string; response?: unknown } = {};
  /** `once` effects this run did again because a crash had left their outcome unknown (on its run record). */
  repeatedEffects = 0;
  committed = false;
  /** In a batch: what this run's commit work threw (in the batch's transaction, which then failed). */
  commitFailure?: { readonly error: unknown };
  /** Set by `settleLater`: the message stays unsettled when the handler returns. */
  settlement?: { readonly token: string; readonly deadlineMs: number };
  private requests = 0;
  private readonly startedAt = performance.now();

  constructor(
    private readonly runtime: IntegrationRuntime,
    integration: IntegrationDefinition,
    readonly route: Route,
    target: ActionTarget | undefined,
    trigger: Trigger,
    readonly envelope: Envelope,
    readonly attempt: number,
    readonly consumer: string,
    readonly start: RunStart,
    /** Set at start for runs of actions, by `settleLater` for the others, else written at the run's end. */
    public runId: string | undefined,
    /** In a batch (`dispatchBatch`): its group commit, this run's place in it, and whom to tell it reached its commit. */
    private readonly batch?: { readonly group: BatchCommit<RunContext>; readonly index: number; readonly arrived: () => void },
    /** Where the transport delivered the message (one by one): what holding it unsettled needs. */
    readonly delivery?: HeldDelivery,
  ) {
    this.tenant = TenantContext.trusted(envelope.tenantid, `integration:${integration.name}`);
    this.integration = integration.name;
    this.method = route.method;
    this.action = target ? { id: target.actionId, trigger } : undefined;
    this.deployment = target?.deployment;
    this.messageId = envelope.id;
    this.topic = envelope.type;
    this.traceparent = envelope.traceparent;
    this.traceId = traceIdOf(envelope.traceparent) ?? '';
    this.correlationId = envelope.correlationid;
    this.idempotencyKey = `trb_${createHash('sha256').update(`${envelope.tenantid}|${consumer}|${envelope.id}`).digest('base64url').slice(0, 40)}`;
    this.logger = boundLogger(new Logger(`${integration.name}.${route.method}`), {
      traceId: this.traceId,
      tenantId: envelope.tenantid,
      eventId: envelope.id,
      integration: integration.name,
      method: route.method,
      ...(target ? { actionId: target.actionId } : {}),
    });
    const http = new OutboundHttp({
      idempotencyKey: this.idempotencyKey,
      traceparent: envelope.traceparent,
      allowPrivateNetwork: target?.allowPrivateNetwork ?? false,
      onAttempt: runtime.outboundMetrics.attempt,
    });
    // A run of an action (by topic, schedule or hand): every answer its calls get goes in the worker's ingest log,
    // buffered and written in batches off the run. A run without an action (a platform route, `runs: 'always'`)
    // calls out as the platform, for no tenant's action: its answers are not kept there.
    this.http = target
      ? runtime.answers.recording(http, {
          tenantId: envelope.tenantid,
          actionId: target.actionId,
          method: `${integration.name}.${route.method}`,
          validForSeconds: null,
          runId,
          messageId: envelope.id,
        })
      : http;
  }

  elapsedMs(): number {
    return Math.round(performance.now() - this.startedAt);
  }

  commit<R extends HandlerResult<object>>(work: (db: EntityManager) => Promise<R>): Promise<R | Skipped> {
    if (this.committed) throw new TributaryError('internal', 'commit_twice', 'A handler commits once');
    if (this.settlement) throw new TributaryError('internal', 'settle_later_unsupported', 'A run that settles later commits with its ack');
    this.committed = true;
    if (!this.batch) return this.runtime.commit(this, work);
    const committed = this.batch.group.enqueue(this.batch.index, this, async (db) => {
      try {
        return await work(db);
      } catch (error) {
        this.commitFailure = { error };
        throw error;
      }
    });
    this.batch.arrived();
    return committed;
  }

  once<R>(name: string, effect: (key: string, attempt: EffectAttempt) => Promise<R>, options: OnceOptions<R>): Promise<R> {
    return this.runtime.once(this, name, effect, options);
  }

  skip(reason: string): Skipped {
    return skipped(reason);
  }

  record(details: { foreignId?: string; response?: unknown }): void {
    Object.assign(this.recorded, details);
  }

  request<Q extends object, R extends object>(topic: TopicDefinition<Q>, payload: Q, options: RequestOptions<R>): Promise<R> {
    this.requests += 1;
    return this.runtime.request(this, topic as unknown as TopicDefinition, payload, options, options.name ?? `request-${this.requests}`);
  }

  async settleLater(options: { readonly deadlineMs: number }): Promise<string> {
    // A batch cannot hold one of its messages: the batch is redone one by one, where it can.
    if (this.batch) throw new SettleOneByOne();
    if (this.settlement) throw new TributaryError('internal', 'settle_later_unsupported', 'A run settles later once');
    if (this.committed) throw new TributaryError('internal', 'settle_later_unsupported', 'A run that committed is settled');
    const token = await this.runtime.settleLater(this, options.deadlineMs);
    this.settlement = { token, deadlineMs: options.deadlineMs };
    return token;
  }

  settle(token: string, outcome: SettleOutcome): Promise<SettledState> {
    return this.runtime.settle(this.tenant.tenantId, token, outcome);
  }

  /** @internal what the settlement book knows of this run. */
  settling() {
    return {
      tenantId: this.tenant.tenantId,
      consumer: this.consumer,
      integration: this.integration,
      method: this.method,
      actionId: this.action?.id,
      runId: this.runId!,
      envelope: this.envelope,
      attempt: this.attempt,
      delivery: this.delivery!,
    };
  }
}

function boundLogger(logger: Logger, fields: Record<string, unknown>): HandlerLogger {
  return {
    info: (message, extra) => logger.log({ ...fields, ...extra }, message),
    warn: (message, extra) => logger.warn({ ...fields, ...extra }, message),
    error: (message, extra) => logger.error({ ...fields, ...extra }, message),
  };
}

/** `work`, failed with `handler_timeout` after `ms` — unless `stop` settles first (a batch run reached its commit). */
function withTimeout<T>(work: Promise<T>, ms: number, message: string, stop?: Promise<void>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TributaryError('unavailable', 'handler_timeout', message)), ms);
  });
  stop?.then(
    () => clearTimeout(timer),
    () => clearTimeout(timer),
  );
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Where a transport delivered a message (its RPC context's `message`), as `dispatch` takes it. */
export interface Delivery {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number | string;
  /** The partition key the transport ordered it by (default: the envelope's). */
  readonly key?: string;
  /** The consumer group (default: the worker's main group). */
  readonly group?: string;
}

/** The worker's main consumer group (named queues' are `<group>.q.<queue>`). */
const MAIN_GROUP = 'integration-worker';

const heldOf = (envelope: Envelope, delivery: Delivery): HeldDelivery => ({
  group: delivery.group ?? MAIN_GROUP,
  topic: delivery.topic,
  partition: delivery.partition,
  offset: delivery.offset,
  key: delivery.key ?? partitionKeyOf(envelope),
  messageId: envelope.id,
  tenantId: envelope.tenantid,
  envelope,
});

/** `settleLater` in a batch: the batch is redone one by one, where the message can be held. */
class SettleOneByOne extends Error {
  constructor() {
    super('A run that settles later runs one by one');
  }
}

/** A batch run not started because another run of the batch failed (the batch is redone one by one). */
class BatchAbandoned extends Error {
  constructor() {
    super('Another run of the batch failed');
  }
}

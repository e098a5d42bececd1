import {
  Controller,
  Get,
  Header,
  Inject,
  Injectable,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { ConsumerLagSources, DeliveryObservers, type DeliveryObserver, type DeliveryOutcome } from '@tributary/messaging';

const METRICS_APP = Symbol('METRICS_APP');

/**
 * The app's own Prometheus registry (not prom-client's global one: in standalone mode four apps share
 * the process, and each exposes only its own metrics, with `app` as a default label).
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;

  constructor(@Inject(METRICS_APP) app: string) {
    this.registry.setDefaultLabels({ app });
    collectDefaultMetrics({ register: this.registry });
    this.httpRequests = new Counter({
      name: 'tributary_http_requests_total',
      help: 'HTTP requests answered, by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.httpDuration = new Histogram({
      name: 'tributary_http_request_duration_seconds',
      help: 'HTTP request latency, by route',
      labelNames: ['method', 'route'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
  }

  /** A gauge the app sets itself (connected clients, a delay). */
  settableGauge(name: string, help: string): Gauge {
    return new Gauge({ name, help, registers: [this.registry] });
  }

  /** Adds a gauge computed at scrape time (e.g. consumer lag read from the database). */
  gauge<L extends string>(name: string, help: string, labelNames: L[], collect: (set: (labels: Record<L, string>, value: number) => void) => Promise<void>): void {
    const gauge: Gauge<L> = new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        gauge.reset();
        await collect((labels, value) => gauge.set(labels as never, value));
      },
    });
  }
}


/**
 * Consumer lag per group and topic: groups on the postgres log (and, in Kafka mode, the outbox
 * relay) from the database; this app's Kafka consumer groups from the broker.
 */
@Injectable()
class ConsumerLagMetrics {
  constructor(metrics: Metrics, dataSource: DataSource, kafkaGroups: ConsumerLagSources) {
    metrics.gauge('tributary_consumer_lag_messages', 'Messages a consumer group has not yet committed, per topic', ['group', 'topic'], async (set) => {
      for (const { group, topic, lag } of await kafkaGroups.read()) set({ group, topic }, lag);
      const rows = await dataSource.query<{ group_id: string; topic: string; lag: string }[]>(
        `SELECT g.group_id, g.topic, sum(p.next_offset - g.committed_offset)::bigint AS lag
           FROM messaging.group_partitions g
           JOIN messaging.topic_partitions p ON p.topic = g.topic AND p.partition = g.partition
          GROUP BY g.group_id, g.topic`,
      );
      for (const row of rows) set({ group: row.group_id, topic: row.topic }, Number(row.lag));
    });
    metrics.gauge('tributary_dead_letters', 'Messages dead-lettered and not redriven or discarded, per consumer group and topic', ['group', 'topic'], async (set) => {
      const rows = await dataSource.query<{ group_id: string; topic: string; n: string }[]>(
        `SELECT group_id, topic, count(*) AS n FROM messaging.dead_letters WHERE status = 'dead' GROUP BY group_id, topic`,
      );
      for (const row of rows) set({ group: row.group_id, topic: row.topic }, Number(row.n));
    });
    metrics.gauge('tributary_deferred_messages', 'Messages retrying or waiting behind a retrying message of their key, per consumer group and topic', ['group', 'topic'], async (set) => {
      const rows = await dataSource.query<{ group_id: string; topic: string; n: string }[]>(
        `SELECT group_id, topic, count(*) AS n FROM messaging.deferred GROUP BY group_id, topic`,
      );
      for (const row of rows) set({ group: row.group_id, topic: row.topic }, Number(row.n));
    });
  }
}

const HEARTBEAT_MS = 5_000;

/**
 * Keeps this process's row in `platform.instances` fresh (every 5 s, with the clients it holds), so
 * the operator page can list the replicas that are up across every app; the row goes when the app
 * starts shutting down. A process that dies leaves a row whose heartbeat goes stale.
 */
@Injectable()
class InstanceHeartbeat implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('InstanceHeartbeat');
  private readonly id: string;
  private readonly startedAt = new Date();
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(METRICS_APP) private readonly app: string,
    private readonly metrics: Metrics,
    private readonly dataSource: DataSource,
  ) {
    this.id = `${app}@${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.beat().catch((error: unknown) => this.beatFailed(error));
    this.timer = setInterval(() => void this.beat().catch((error: unknown) => this.beatFailed(error)), HEARTBEAT_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.dataSource.query(`DELETE FROM platform.instances WHERE instance_id = $1`, [this.id]).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    const clients = this.metrics.registry.getSingleMetric('tributary_connected_clients');
    const connected = clients ? ((await clients.get()).values[0]?.value ?? 0) : null;
    await this.dataSource.query(
      `INSERT INTO platform.instances (instance_id, app, host, pid, started_at, connected_clients) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (instance_id) DO UPDATE SET heartbeat_at = now(), connected_clients = excluded.connected_clients`,
      [this.id, this.app, hostname(), process.pid, this.startedAt, connected],
    );
  }

  /** A missed heartbeat is logged; the next one tries again. */
  private beatFailed(error: unknown): void {
    this.logger.warn(`heartbeat failed: ${(error as Error).message}`);
  }
}

/** Handler attempts by topic, group and outcome, with their durations (the transports report each attempt). */
@Injectable()
class HandlerMetrics implements DeliveryObserver {
  private readonly duration: Histogram<'topic' | 'group' | 'outcome'>;

  constructor(metrics: Metrics, observers: DeliveryObservers) {
    observers.add(this);
    this.duration = new Histogram({
      name: 'tributary_handler_duration_seconds',
      help: 'Message handling attempts: outcome ok, retry or dead_letter, and how long each took',
      labelNames: ['topic', 'group', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers: [metrics.registry],
    });
  }

  observe(topic: string, group: string, outcome: DeliveryOutcome, seconds: number): void {
    this.duration.observe({ topic, group, outcome }, seconds);
  }
}

@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ operationId: 'MetricsController_scrape', summary: 'Prometheus metrics of this app' })
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

export interface MetricsOptions {
  readonly app: string;
  /** Report consumer lag, handler outcomes and dead letters (apps that use the messaging module). */
  readonly messaging?: boolean;
}

/**
 * `/metrics` for Prometheus: process metrics, HTTP rates and latencies, and what the app adds. Served on
 * the app's internal port when INTERNAL_PORT is set (internal-http.ts), on its own port otherwise.
 */
@Module({})
export class MetricsModule implements NestModule {
  constructor(private readonly metrics: Metrics) {}

  static forRoot(options: MetricsOptions): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      controllers: [MetricsController],
      providers: [
        { provide: METRICS_APP, useValue: options.app },
        Metrics,
        InstanceHeartbeat,
        ...(options.messaging ? [ConsumerLagMetrics, HandlerMetrics] : []),
      ],
      exports: [Metrics],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    const { httpRequests, httpDuration } = this.metrics;
    consumer
      .apply((request: Request, response: Response, next: NextFunction) => {
        const stop = httpDuration.startTimer();
        response.once('finish', () => {
          const route = (request.route?.path as string | undefined) ?? 'unmatched';
          const labels = { method: request.method, route: `${request.baseUrl}${route}` };
          stop(labels);
          httpRequests.inc({ ...labels, status: String(response.statusCode) });
        });
        next();
      })
      .forRoutes('*');
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The app's name, the `app` label of every metric (MetricsModule.forRoot provides it). */
export const METRICS_APP = Symbol('METRICS_APP');

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

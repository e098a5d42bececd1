import { Injectable } from '@nestjs/common';
import { Metrics } from '@tributary/observability';
import { Histogram } from 'prom-client';
import { DataSource } from 'typeorm';
import type { StoredEvent } from '../log/stored-event.js';
import { ProjectionCheckpoints } from './projection-checkpoints.js';
import { ProjectionRegistry } from './projection-registry.js';

/** Buckets of the end-to-end latencies, from 5 ms to 5 minutes. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * `tributary_projection_lag_events{projection}`: events of its topics a projection's live tables have not applied;
 * `tributary_event_projected_latency_seconds{projection}`: from a consumed event's envelope `time` (set by its
 * publisher: for a webhook, when the gateway received it) to the commit of the live tables it is applied to.
 */
@Injectable()
export class ProjectionMetrics {
  private readonly latency: Histogram<'projection'>;

  constructor(metrics: Metrics, dataSource: DataSource, registry: ProjectionRegistry, checkpoints: ProjectionCheckpoints) {
    this.latency = new Histogram({
      name: 'tributary_event_projected_latency_seconds',
      help: "From an event's envelope time (its publisher's, e.g. the gateway's receipt of a webhook) to its projection's live tables' commit",
      labelNames: ['projection'],
      buckets: LATENCY_BUCKETS,
      registers: [metrics.registry],
    });
    metrics.gauge('tributary_projection_lag_events', "Events of a projection's topics its live tables have not applied yet", ['projection'], async (set) => {
      for (const projection of registry.all) {
        const checkpoint = await checkpoints.read(dataSource, projection.name);
        if (checkpoint) set({ projection: projection.name }, await checkpoints.remaining(dataSource, projection, checkpoint));
      }
    });
  }

  /**
   * Times the events a live batch applied. Those appended through the event store's API (source
   * `event-store-api`) are left out: their `occurredAt` is the caller's, which may be any time.
   */
  projected(projection: string, events: readonly StoredEvent[]): void {
    const now = Date.now();
    for (const event of events) {
      if (event.metadata.source === 'event-store-api') continue;
      this.latency.observe({ projection }, Math.max(0, now - event.occurredAt.getTime()) / 1000);
    }
  }
}

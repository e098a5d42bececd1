import { Injectable } from '@nestjs/common';
import { Metrics } from '@tributary/observability';
import { DataSource } from 'typeorm';
import { ProjectionCheckpoints } from './projection-checkpoints.js';
import { ProjectionRegistry } from './projection-registry.js';

/** `tributary_projection_lag_events{projection}`: events of its topics a projection's live tables have not applied. */
@Injectable()
export class ProjectionMetrics {
  constructor(metrics: Metrics, dataSource: DataSource, registry: ProjectionRegistry, checkpoints: ProjectionCheckpoints) {
    metrics.gauge('tributary_projection_lag_events', "Events of a projection's topics its live tables have not applied yet", ['projection'], async (set) => {
      for (const projection of registry.all) {
        const checkpoint = await checkpoints.read(dataSource, projection.name);
        if (checkpoint) set({ projection: projection.name }, await checkpoints.remaining(dataSource, projection, checkpoint));
      }
    });
  }
}

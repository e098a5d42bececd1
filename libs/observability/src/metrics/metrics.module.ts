import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ConsumerLagMetrics } from './consumer-lag-metrics.js';
import { HandlerMetrics } from './handler-metrics.js';
import { InstanceHeartbeat } from './instance-heartbeat.js';
import { METRICS_APP, Metrics } from './metrics.js';
import { MetricsController } from './metrics.controller.js';
import { PlatformGaugeLeader } from './platform-gauge-leader.js';

export interface MetricsOptions {
  readonly app: string;
  /**
   * Report consumer lag, handler outcomes and dead letters (apps that use the messaging module); the
   * database's lag, dead letters and deferred messages from one process of the platform (PlatformGaugeLeader).
   */
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
        ...(options.messaging ? [PlatformGaugeLeader, ConsumerLagMetrics, HandlerMetrics] : []),
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

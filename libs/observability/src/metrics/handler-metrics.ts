import { Injectable } from '@nestjs/common';
import { Histogram } from 'prom-client';
import { DeliveryObservers, type DeliveryObserver, type DeliveryOutcome } from '@tributary/messaging';
import { Metrics } from './metrics.js';

/** Handler attempts by topic, group and outcome, with their durations (the transports report each attempt). */
@Injectable()
export class HandlerMetrics implements DeliveryObserver {
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

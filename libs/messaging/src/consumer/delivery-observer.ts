import { Injectable } from '@nestjs/common';

/** What happened to one attempt at handling a message. */
export type DeliveryOutcome = 'ok' | 'retry' | 'dead_letter';

/** Told about every handling attempt (metrics); the transports work the same without one. */
export interface DeliveryObserver {
  observe(topic: string, group: string, outcome: DeliveryOutcome, seconds: number): void;
}

/**
 * The app's observers of message handling: other modules (metrics) add themselves; the app's
 * consumers report every attempt here.
 */
@Injectable()
export class DeliveryObservers implements DeliveryObserver {
  private readonly observers: DeliveryObserver[] = [];

  add(observer: DeliveryObserver): void {
    this.observers.push(observer);
  }

  observe(topic: string, group: string, outcome: DeliveryOutcome, seconds: number): void {
    for (const observer of this.observers) observer.observe(topic, group, outcome, seconds);
  }
}

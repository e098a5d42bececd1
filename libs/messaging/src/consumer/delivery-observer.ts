/** What happened to one attempt at handling a message. */
export type DeliveryOutcome = 'ok' | 'retry' | 'dead_letter';

/** Told about every handling attempt (metrics); the transports work the same without one. */
export interface DeliveryObserver {
  observe(topic: string, group: string, outcome: DeliveryOutcome, seconds: number): void;
}

export const DELIVERY_OBSERVER = Symbol('DELIVERY_OBSERVER');

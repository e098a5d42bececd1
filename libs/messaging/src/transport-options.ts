import type { KafkaConnectionOptions } from './kafka/kafka-connection.js';

/** Which transport carries messages between the apps, and how to reach it. */
export type TransportOptions =
  | {
      readonly kind: 'postgres';
      /** A real server's URL to LISTEN on for cross-process wake-ups; unset for the embedded database. */
      readonly listenUrl?: string;
    }
  | {
      readonly kind: 'kafka';
      readonly connection: KafkaConnectionOptions;
      /** Partitions and replication of the topics this app creates from the registry. */
      readonly partitions: number;
      readonly replicationFactor: number;
      /** How long the consumer group waits for a silent member (default 30 s). */
      readonly sessionTimeoutMs?: number;
      /** As for postgres: wakes the outbox relay across processes. */
      readonly listenUrl?: string;
    };

export const TRANSPORT_OPTIONS = Symbol('TRANSPORT_OPTIONS');

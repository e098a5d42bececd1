import { startKafkaBroker, type KafkaTestBroker } from './kafka-broker/kafka-broker.js';
import { testEnvironment } from './test.config.js';

export interface TestKafka {
  readonly brokers: string[];
  /** 'real' when KAFKA_BROKERS points at a Kafka cluster, 'test-broker' for the in-memory one. */
  readonly kind: 'real' | 'test-broker';
  /** Simulates an outage (test broker only: a real cluster cannot be paused from here). */
  readonly outage?: { pause(): Promise<void>; resume(): Promise<void> };
  /** The test broker itself (test broker only), whose log and committed offsets can be read even while it is paused. */
  readonly testBroker?: KafkaTestBroker;
  stop(): Promise<void>;
}

/** The Kafka the suites run against: a real one when `KAFKA_BROKERS` is set, else the Kafka-protocol test broker. */
export async function startTestKafka(): Promise<TestKafka> {
  const real = testEnvironment().KAFKA_BROKERS;
  if (real) return { brokers: real.split(','), kind: 'real', stop: async () => undefined };
  const broker = await startKafkaBroker();
  return { brokers: broker.brokers, kind: 'test-broker', outage: broker, testBroker: broker, stop: () => broker.stop() };
}

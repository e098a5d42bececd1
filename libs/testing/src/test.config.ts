/** The environment the test helpers read (the only place they touch `process.env`). */
export interface TestEnvironment {
  /** PostgreSQL to create test databases next to; its database name must contain "test". */
  readonly TEST_DATABASE_URL?: string;
  /** MariaDB/MySQL to create test databases next to; its database name must contain "test". */
  readonly TEST_MYSQL_URL?: string;
  /** `true` on CI: a missing service fails instead of falling back or skipping. */
  readonly CI?: string;
  /** A real Kafka to run the Kafka suites against instead of the in-memory test broker. */
  readonly KAFKA_BROKERS?: string;
  /** Redis for the suites that share rate limits between gateways (default redis://127.0.0.1:6379). */
  readonly TEST_REDIS_URL?: string;
  /** Where a process counting its statements (statement-counter.preload) writes its tally. */
  readonly STATEMENT_COUNT_FILE?: string;
  /** Replays a randomized (property-based) test: the seed it printed when it failed. */
  readonly FUZZ_SEED?: string;
  /** Replays a chaos test's kill schedule: the seed it printed when it failed (libs/testing ChaosSchedule). */
  readonly CHAOS_SEED?: string;
  /** Runs per property of the fuzz suite (test/fuzz): more than each property's small default, to search longer. */
  readonly FUZZ_RUNS?: string;
  /** With FUZZ_SEED: the counterexample path a failed property printed, to replay just that case. */
  readonly FUZZ_PATH?: string;
  /** With FUZZ_PATH: the name of the property the path belongs to (a failure prints it); the others are skipped. */
  readonly FUZZ_ONLY?: string;
}

export const testEnvironment = (): TestEnvironment => ({
  TEST_DATABASE_URL: process.env.TEST_DATABASE_URL,
  TEST_MYSQL_URL: process.env.TEST_MYSQL_URL,
  CI: process.env.CI,
  KAFKA_BROKERS: process.env.KAFKA_BROKERS,
  TEST_REDIS_URL: process.env.TEST_REDIS_URL,
  STATEMENT_COUNT_FILE: process.env.STATEMENT_COUNT_FILE,
  FUZZ_SEED: process.env.FUZZ_SEED,
  CHAOS_SEED: process.env.CHAOS_SEED,
  FUZZ_RUNS: process.env.FUZZ_RUNS,
  FUZZ_PATH: process.env.FUZZ_PATH,
  FUZZ_ONLY: process.env.FUZZ_ONLY,
});

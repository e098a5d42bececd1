/** The environment the test helpers read (the only place they touch `process.env`). */
export interface TestEnvironment {
  /** PostgreSQL to create test databases next to; its database name must contain "test". */
  readonly TEST_DATABASE_URL?: string;
  /** `true` on CI: a missing service fails instead of falling back or skipping. */
  readonly CI?: string;
}

export const testEnvironment = (): TestEnvironment => ({
  TEST_DATABASE_URL: process.env.TEST_DATABASE_URL,
  CI: process.env.CI,
});

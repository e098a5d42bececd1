import { randomBytes } from 'node:crypto';

/** Fresh keys for one test run: the same variables an operator sets, never constants in code. */
export function testSecrets(): Record<string, string> {
  return {
    TRIBUTARY_SIGNING_KEY_ID: 'test-k1',
    TRIBUTARY_SIGNING_KEY: randomBytes(32).toString('base64'),
    TRIBUTARY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  };
}

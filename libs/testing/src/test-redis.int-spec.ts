import { testRedis } from './test-redis.js';

/** The Redis cases skip (with the reason) where no Redis answers, and fail the run under CI=true. */
describe('testRedis', () => {
  const nowhere = 'redis://127.0.0.1:1';

  it('skips with a printed reason when Redis does not answer', async () => {
    expect(await testRedis({ TEST_REDIS_URL: nowhere })).toEqual({ url: null, skipped: expect.stringMatching(/^Redis at redis:\/\/127\.0\.0\.1:1 unreachable/) });
  });

  it('fails under CI=true when Redis does not answer', async () => {
    await expect(testRedis({ TEST_REDIS_URL: nowhere, CI: 'true' })).rejects.toThrow(/required under CI=true/);
  });
});

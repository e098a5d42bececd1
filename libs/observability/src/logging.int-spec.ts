import { Writable } from 'node:stream';
import { Controller, Module, Param, Post, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppLogger, loggingModule } from './logging.js';

/** A route with a capability token in its path, as the worker's settle route (`POST /v1/settlements/{token}`). */
@Controller('v1/settlements')
class TokenInPath {
  @Post(':token')
  settle(@Param('token') token: string): { ok: boolean } {
    return { ok: token.length > 0 };
  }
}

/** The HTTP access log (pino-http through `loggingModule`), read from the stream it writes to. */
describe('logging: tokens in request paths', () => {
  const lines: string[] = [];
  let app: INestApplication;

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    @Module({ imports: [loggingModule('logging-test', 'info', destination)], controllers: [TokenInPath] })
    class LoggingTestModule {}
    app = await NestFactory.create(LoggingTestModule, { logger: false });
    await app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
  });

  it("keeps a settlement token out of the access log line (url and params), the request's other fields kept", async () => {
    const token = `stl_${'Ab3_-'.repeat(8)}xyz`;
    const response = await fetch(`${await app.getUrl()}/v1/settlements/${token}?outcome=ack`, { method: 'POST' });
    expect(response.status).toBe(201);
    const logged = lines.filter((line) => line.includes('/v1/settlements/'));
    expect(logged.length).toBeGreaterThan(0);
    for (const line of logged) expect(line).not.toContain(token);
    const entry = JSON.parse(logged[0]) as { req: { url: string; method: string } };
    expect(entry.req).toEqual(expect.objectContaining({ method: 'POST', url: '/v1/settlements/stl_[redacted]?outcome=ack' }));
  });

  it("never carries one line's fields into the next", async () => {
    const logger = app.get(AppLogger);
    logger.warn({ table: 'first-line-only', body: { password: 'not-for-the-next-line' } }, 'one');
    logger.warn('two', 'LoggingTest');
    const second = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry.msg === 'two');
    expect(second).toEqual(expect.objectContaining({ context: 'LoggingTest', app: 'logging-test' }));
    expect(second).not.toHaveProperty('table');
    expect(second).not.toHaveProperty('body');
  });
});

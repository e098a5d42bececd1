import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { endSpan, openSpan, spansEnabled } from '@tributary/messaging';
import { startTracing } from '@tributary/observability';

/** A port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('tracing shutdown', () => {
  it('resolves when the collector cannot be reached: the last spans are lost, the app still exits cleanly (exitOnSignals exits 1 on a rejection)', async () => {
    const tracing = (await startTracing({ serviceName: 'tributary-test', endpoint: `http://127.0.0.1:${await closedPort()}`, instrument: false }))!;
    endSpan(openSpan('unexportable'));
    await expect(tracing.shutdown()).resolves.toBeUndefined();
    expect(spansEnabled()).toBe(false);
  }, 60_000);
});

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NonRetryable } from '@tributary/messaging';
import { OutboundHttp } from './outbound-http.js';

/** The private-address guard against a real server on loopback (the unit spec never connects). */
describe('the outbound private-address guard, against a loopback server', () => {
  let requests = 0;
  const server = createServer((request, response) => {
    requests++;
    request.resume();
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  const spellings = () => {
    const { port } = server.address() as AddressInfo;
    return [`http://127.0.0.1:${port}/`, `http://127.1:${port}/`, `http://0x7f000001:${port}/`, `http://[::ffff:127.0.0.1]:${port}/`, `http://localhost:${port}/`];
  };
  const client = (allowPrivateNetwork: boolean) => new OutboundHttp({ idempotencyKey: 'trb_guard_test', allowPrivateNetwork });

  beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('lets every loopback spelling through to the server when the deployment allows private networks', async () => {
    const before = requests;
    for (const url of spellings()) expect(await client(true).request({ url, attempts: 1 })).toMatchObject({ status: 200, body: { ok: true } });
    expect(requests - before).toBe(spellings().length);
  });

  it('refuses the same spellings for good when it does not, the server seeing none of them', async () => {
    const before = requests;
    for (const url of spellings()) {
      const refused = await client(false).request({ url, attempts: 1 }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(NonRetryable);
      expect({ url, code: (refused as NonRetryable).code }).toEqual({ url, code: 'address_not_allowed' });
    }
    expect(requests - before).toBe(0);
  });
});

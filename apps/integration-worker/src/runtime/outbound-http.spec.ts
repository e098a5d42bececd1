import { jest } from '@jest/globals';
import { Socket } from 'node:net';
import { NonRetryable } from '@tributary/messaging';
import { isNonPublicAddress, OutboundHttp } from './outbound-http.js';

/**
 * Spellings of loopback, cloud metadata and private addresses from published SSRF bypass lists
 * (PayloadsAllTheThings "Server Side Request Forgery": localhost and metadata bypasses, encodings,
 * URL parser confusion) and the v6 forms that carry a v4 address on.
 */
const refusedUrls = [
  // loopback, every v4 spelling
  'http://127.0.0.1/',
  'https://127.0.0.1:443/',
  'http://127.127.127.127/',
  'http://127.0.1.3/',
  'http://127.1/',
  'http://127.0.1/',
  'http://0177.0.0.1/',
  'http://00000177.0.0.1/',
  'http://017700000001/',
  'http://0x7f.0x0.0x0.0x1/',
  'http://0x7f.1/',
  'http://0x7f000001/',
  'http://2130706433/',
  'http://127.000000000000.1/',
  'http://127.0.0.1./',
  'http://127.0.0.1%2e/',
  'http://%31%32%37.0.0.1/',
  'http://①②⑦.⓪.⓪.①/',
  'http://example.com@127.0.0.1/',
  'http://127.0.0.1:80\\@example.com/',
  // localhost names
  'http://localhost/',
  'http://localhost./',
  'http://LOCALHOST:8080/',
  'http://ⓛⓞⓒⓐⓛⓗⓞⓢⓣ/',
  'http://anything.localhost/',
  // "this host"
  'http://0/',
  'http://0000/',
  'http://0.0.0.0/',
  'http://[::]/',
  // v6 loopback and the v6 forms of v4 loopback
  'http://[::1]/',
  'http://[0:0:0:0:0:0:0:1]/',
  'http://[0000::1]:80/',
  'http://[::ffff:127.0.0.1]/',
  'http://[::ffff:7f00:1]/',
  'http://[0:0:0:0:0:ffff:127.0.0.1]/',
  'http://[::ffff:0.0.0.0]/',
  'http://[::127.0.0.1]/',
  'http://[::7f00:1]/',
  'http://[64:ff9b::7f00:1]/',
  'http://[64:ff9b::127.0.0.1]/',
  'http://[64:ff9b:1::7f00:1]/',
  'http://[2002:7f00:1::]/',
  'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/',
  // cloud metadata (AWS, GCP, Azure IMDS, ECS, Alibaba, Oracle)
  'http://169.254.169.254/latest/meta-data/',
  'http://169.254.169.254./',
  'http://2852039166/',
  'http://0xa9fea9fe/',
  'http://0xA9.0xFE.0xA9.0xFE/',
  'http://0251.0376.0251.0376/',
  'http://169.254.43518/',
  'http://[::ffff:a9fe:a9fe]/',
  'http://[::ffff:169.254.169.254]/',
  'http://[64:ff9b::a9fe:a9fe]/',
  'http://[2002:a9fe:a9fe::1]/',
  'http://[fd00:ec2::254]/',
  'http://169.254.170.2/v2/credentials',
  'http://100.100.100.200/latest/meta-data/',
  'http://192.0.0.192/latest/',
  // private, shared, reserved and special v4
  'http://10.0.0.1/',
  'http://172.16.0.1/',
  'http://172.31.255.255/',
  'http://192.168.0.1/',
  'http://100.64.0.1/',
  'http://192.0.0.170/',
  'http://198.18.0.1/',
  'http://192.0.2.1/',
  'http://240.0.0.1/',
  'http://224.0.0.1/',
  'http://255.255.255.255/',
  // private, scoped and special v6
  'http://[fc00::1]/',
  'http://[fe80::1]/',
  'http://[fec0::1]/',
  'http://[ff02::1]/',
  'http://[2001:db8::1]/',
  'http://[100::1]/',
  'http://[2002:a00:1::]/',
];

const publicAddresses = [
  '8.8.8.8',
  '1.1.1.1',
  '9.9.9.9',
  '172.15.255.255',
  '172.32.0.1',
  '192.169.0.1',
  '100.128.0.1',
  '2606:4700:4700::1111',
  '2001:4860:4860::8888',
  '::ffff:1.1.1.1',
  '::ffff:808:808',
  '64:ff9b::808:808',
  '2002:808:808::1',
];

describe('the outbound private-address guard', () => {
  // Nothing here may leave the process: a connection attempt (and the lookup made inside it) fails the test instead.
  let connect: ReturnType<typeof jest.spyOn>;
  beforeEach(() => {
    connect = jest.spyOn(Socket.prototype, 'connect').mockImplementation((() => {
      throw new Error('the test forbids connecting');
    }) as never);
  });
  afterEach(() => connect.mockRestore());

  it.each(refusedUrls)('refuses %s for good, without a lookup or a connection', async (url) => {
    const http = new OutboundHttp({ idempotencyKey: 'trb_guard_test', allowPrivateNetwork: false });
    const refused = await http.request({ url, attempts: 1 }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(NonRetryable);
    expect((refused as NonRetryable).code).toBe('address_not_allowed');
    expect(connect).not.toHaveBeenCalled();
  });

  it.each([
    '127.0.0.1', '10.1.2.3', '169.254.169.254', '0.0.0.0', '::1', '::', 'fd00::1', 'fe80::1%eth0',
    '::ffff:7f00:1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::7f00:1', '::127.0.0.1', '64:ff9b::a00:1', '2002:c0a8:101::',
    '0177.0.0.1', '0x7f000001', '2130706433', '127.1', '0251.0376.0251.0376', 'localhost', '',
  ])('classifies %s as not public', (address) => {
    expect(isNonPublicAddress(address)).toBe(true);
  });

  it.each(publicAddresses)('classifies %s as public', (address) => {
    expect(isNonPublicAddress(address)).toBe(false);
  });
});

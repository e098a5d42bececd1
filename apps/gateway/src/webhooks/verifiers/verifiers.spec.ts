import { createHmac } from 'node:crypto';
import { TributaryError } from '@tributary/domain';
import { Webhook } from 'standardwebhooks';
import { verifierFor, decoyVerifierFor } from './verifiers.js';
import type { IncomingDelivery, VerifierScheme } from './webhook-verifier.js';

// The example from the Standard Webhooks specification's reference implementations.
const vector = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

const delivery = (headers: Record<string, string>, body = vector.body, query = '', method = 'POST'): IncomingDelivery => ({
  method,
  headers,
  body: Buffer.from(body),
  query: new URLSearchParams(query),
});

const keysOf = (scheme: VerifierScheme, ...secrets: string[]) => secrets.map((s) => ({ key: verifierFor(scheme).keyOf(s) }));

const outcome = (fn: () => string): string => {
  try {
    return `ok:${fn()}`;
  } catch (error) {
    return error instanceof TributaryError ? error.code : `unexpected:${(error as Error).message}`;
  }
};

describe('standard-webhooks verifier', () => {
  const verifier = verifierFor('standard-webhooks');
  const headers = { 'webhook-id': vector.id, 'webhook-timestamp': String(vector.timestamp), 'webhook-signature': vector.signature };
  const verify = (h: Record<string, string>, now = vector.timestamp, secrets = [vector.secret], body = vector.body) =>
    outcome(() => verifier.verify(delivery(h, body), keysOf('standard-webhooks', ...secrets), 300, now));

  it('accepts the specification example and names the delivery by its webhook-id', () => {
    expect(verify(headers)).toBe(`ok:${vector.id}`);
  });

  it('accepts what the standardwebhooks library signs, with any of several secrets and signatures', () => {
    const other = verifier.generateSecret();
    const signature = [new Webhook(other).sign('msg_2', new Date(vector.timestamp * 1000), vector.body), vector.signature.replace('msg', '')].join(' ');
    expect(verify({ ...headers, 'webhook-id': 'msg_2', 'webhook-signature': signature }, vector.timestamp, [vector.secret, other])).toBe('ok:msg_2');
  });

  it.each([
    ['a changed body', { body: '{"test": 2432232315}' }, 'signature_invalid'],
    ['another secret', { secrets: [verifierFor('standard-webhooks').generateSecret()] }, 'signature_invalid'],
    ['no active secret', { secrets: [] as string[] }, 'signature_invalid'],
    ['a truncated signature', { headers: { 'webhook-signature': 'v1,g0hM9SsE' } }, 'signature_invalid'],
    ['an unknown scheme only', { headers: { 'webhook-signature': vector.signature.replace('v1,', 'v2,') } }, 'signature_invalid'],
    ['no signature', { headers: { 'webhook-signature': '' } }, 'signature_missing'],
    ['no id', { headers: { 'webhook-id': '' } }, 'signature_missing'],
    ['a timestamp 301 s old', { now: vector.timestamp + 301 }, 'timestamp_invalid'],
    ['a timestamp 301 s ahead', { now: vector.timestamp - 301 }, 'timestamp_invalid'],
    ['a non-numeric timestamp', { headers: { 'webhook-timestamp': 'soon' } }, 'timestamp_invalid'],
  ])('rejects %s', (_, change: { body?: string; secrets?: string[]; headers?: Record<string, string>; now?: number }, code) => {
    expect(verify({ ...headers, ...change.headers }, change.now, change.secrets, change.body)).toBe(code);
  });

  it('accepts the tolerance boundary both ways', () => {
    expect(verify(headers, vector.timestamp + 300)).toBe(`ok:${vector.id}`);
    expect(verify(headers, vector.timestamp - 300)).toBe(`ok:${vector.id}`);
  });

  it('only accepts whsec_ secrets of at least 16 bytes', () => {
    expect(verifier.acceptsSecret(vector.secret)).toBe(true);
    expect(verifier.acceptsSecret('whsec_c2hvcnQ=')).toBe(false);
    expect(verifier.acceptsSecret('plain-text-secret-of-length')).toBe(false);
  });
});

describe('github verifier', () => {
  const verifier = verifierFor('github');
  const secret = "It's a Secret to Everybody";
  // GitHub's documented example: payload "Hello, World!" with this secret.
  const documented = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

  it("accepts GitHub's documented example and names the delivery by X-GitHub-Delivery", () => {
    const d = delivery({ 'x-hub-signature-256': documented, 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958' }, 'Hello, World!');
    expect(outcome(() => verifier.verify(d, keysOf('github', 'old-secret-value-16', secret), 300, 0))).toBe('ok:72d3162e-cc78-11e3-81ab-4c9367dc0958');
  });

  it('names a delivery without X-GitHub-Delivery by its content', () => {
    const d = delivery({ 'x-hub-signature-256': documented }, 'Hello, World!');
    expect(outcome(() => verifier.verify(d, keysOf('github', secret), 300, 0))).toMatch(/^ok:sha256:[0-9a-f]{64}$/);
  });

  it.each([
    ['a changed body', { 'x-hub-signature-256': documented }, 'Hello, World?', 'signature_invalid'],
    ['sha1 only', { 'x-hub-signature': 'sha1=abc' }, 'Hello, World!', 'signature_missing'],
    ['a malformed signature', { 'x-hub-signature-256': 'sha256=zz' }, 'Hello, World!', 'signature_invalid'],
  ])('rejects %s', (_, headers, body, code) => {
    expect(outcome(() => verifier.verify(delivery(headers, body), keysOf('github', secret), 300, 0))).toBe(code);
  });
});

describe('stripe verifier', () => {
  const verifier = verifierFor('stripe');
  const secret = 'whsec_test_secret_for_stripe_0123';
  const sign = (t: number, body: string, key = secret) => createHmac('sha256', key).update(`${t}.${body}`).digest('hex');
  const t = 1_700_000_000;

  it('accepts t=,v1= when any v1 matches, and names the delivery by its content', () => {
    const header = `t=${t},v1=${sign(t, vector.body, 'whsec_other_secret_000000000')},v1=${sign(t, vector.body)},v0=abc`;
    expect(outcome(() => verifier.verify(delivery({ 'stripe-signature': header }), keysOf('stripe', secret), 300, t + 299))).toMatch(/^ok:sha256:/);
  });

  it.each([
    ['a stale timestamp', `t=${t},v1=${sign(t, vector.body)}`, t + 301, 'timestamp_invalid'],
    ['a future timestamp', `t=${t},v1=${sign(t, vector.body)}`, t - 301, 'timestamp_invalid'],
    ['a signature over another timestamp', `t=${t + 1},v1=${sign(t, vector.body)}`, t, 'signature_invalid'],
    ['no v1', `t=${t},v0=${sign(t, vector.body)}`, t, 'signature_missing'],
    ['no t', `v1=${sign(t, vector.body)}`, t, 'signature_missing'],
  ])('rejects %s', (_, header, now, code) => {
    expect(outcome(() => verifier.verify(delivery({ 'stripe-signature': header }), keysOf('stripe', secret), 300, now))).toBe(code);
  });
});

describe('bearer verifier', () => {
  const verifier = verifierFor('bearer');
  const secret = verifier.generateSecret();

  it('accepts the secret with or without "Bearer", and names the delivery by webhook-id or its content', () => {
    const keys = keysOf('bearer', secret);
    expect(outcome(() => verifier.verify(delivery({ authorization: `Bearer ${secret}`, 'webhook-id': 'd-1' }), keys, 300, 0))).toBe('ok:d-1');
    expect(outcome(() => verifier.verify(delivery({ authorization: secret }), keys, 300, 0))).toMatch(/^ok:sha256:/);
  });

  it('stores only a digest of the secret', () => {
    expect(verifier.storage).toBe('hashed');
    expect(verifier.keyOf(secret).toString('utf8')).not.toContain(secret);
  });

  it.each([
    ['no Authorization', {}, 'signature_missing'],
    ['another secret', { authorization: `Bearer ${verifier.generateSecret()}` }, 'signature_invalid'],
  ])('rejects %s', (_, headers, code) => {
    expect(outcome(() => verifier.verify(delivery(headers), keysOf('bearer', secret), 300, 0))).toBe(code);
  });
});

describe('query-token verifier', () => {
  const verifier = verifierFor('query-token');
  const secret = verifier.generateSecret();

  it('accepts the token in the query and names a repeat of the same parameters the same way', () => {
    const keys = keysOf('query-token', secret);
    const a = outcome(() => verifier.verify(delivery({}, '', `token=${secret}&b=2&a=1`, 'GET'), keys, 300, 0));
    const b = outcome(() => verifier.verify(delivery({}, '', `a=1&token=${secret}&b=2`, 'GET'), keys, 300, 0));
    expect(a).toMatch(/^ok:sha256:/);
    expect(b).toBe(a);
  });

  it.each([
    ['no token', 'a=1', 'signature_missing'],
    ['a wrong token', 'token=whtok_wrong_token_value_123', 'signature_invalid'],
    ['the token twice', `token=${'x'.repeat(20)}&token=${'y'.repeat(20)}`, 'signature_invalid'],
  ])('rejects %s', (_, query, code) => {
    expect(outcome(() => verifier.verify(delivery({}, '', query, 'GET'), keysOf('query-token', secret), 300, 0))).toBe(code);
  });
});

describe('decoy for an unknown webhook', () => {
  it.each([
    [{ 'stripe-signature': 't=1,v1=00' }, '', 'stripe'],
    [{ 'x-hub-signature-256': 'sha256=00' }, '', 'github'],
    [{ 'webhook-signature': 'v1,AA==' }, '', 'standard-webhooks'],
    [{}, 'token=abc', 'query-token'],
    [{ authorization: 'Bearer x' }, '', 'bearer'],
    [{}, '', 'standard-webhooks'],
  ])('verifies %j %s as %s would', (headers, query, scheme) => {
    expect(decoyVerifierFor(delivery(headers, '', query)).scheme).toBe(scheme);
  });
});

import { TributaryError } from '@tributary/domain';
import { generateWebhookSecret, signStandardWebhook, verifyStandardWebhook } from './standard-webhooks.js';

// The example from the Standard Webhooks specification's reference implementations.
const vector = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

const codeOf = (fn: () => void): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof TributaryError ? error.code : 'unexpected';
  }
};

describe('Standard Webhooks v1', () => {
  const headers = { id: vector.id, timestamp: String(vector.timestamp), signature: vector.signature };

  it('signs the specification example to its published signature', () => {
    expect(signStandardWebhook(vector.secret, vector.id, vector.timestamp, vector.body)).toBe(vector.signature);
  });

  it('accepts the specification example at its timestamp', () => {
    expect(codeOf(() => verifyStandardWebhook(vector.secret, headers, Buffer.from(vector.body), 300, vector.timestamp))).toBeUndefined();
  });

  it('accepts when any of several signatures matches (secret rotation)', () => {
    const signature = `v1,${Buffer.alloc(32).toString('base64')} ${vector.signature}`;
    expect(codeOf(() => verifyStandardWebhook(vector.secret, { ...headers, signature }, Buffer.from(vector.body), 300, vector.timestamp))).toBeUndefined();
  });

  it.each([
    ['a changed body', { body: '{"test": 2432232315}' }, 'signature_invalid'],
    ['another secret', { secret: generateWebhookSecret() }, 'signature_invalid'],
    ['a truncated signature', { signature: 'v1,g0hM9SsE' }, 'signature_invalid'],
    ['an unknown scheme only', { signature: 'v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' }, 'signature_invalid'],
    ['no signature', { signature: '' }, 'signature_missing'],
    ['no id', { id: '' }, 'signature_missing'],
    ['a timestamp 301 s old', { now: vector.timestamp + 301 }, 'timestamp_invalid'],
    ['a timestamp 301 s ahead', { now: vector.timestamp - 301 }, 'timestamp_invalid'],
    ['a non-numeric timestamp', { timestamp: 'soon' }, 'timestamp_invalid'],
  ])('rejects %s', (_, change: Partial<{ body: string; secret: string; signature: string; id: string; now: number; timestamp: string }>, code) => {
    const h = {
      id: change.id ?? headers.id,
      timestamp: change.timestamp ?? headers.timestamp,
      signature: change.signature ?? headers.signature,
    };
    const body = Buffer.from(change.body ?? vector.body);
    expect(codeOf(() => verifyStandardWebhook(change.secret ?? vector.secret, h, body, 300, change.now ?? vector.timestamp))).toBe(code);
  });

  it('accepts the tolerance boundary both ways', () => {
    const body = Buffer.from(vector.body);
    expect(codeOf(() => verifyStandardWebhook(vector.secret, headers, body, 300, vector.timestamp + 300))).toBeUndefined();
    expect(codeOf(() => verifyStandardWebhook(vector.secret, headers, body, 300, vector.timestamp - 300))).toBeUndefined();
  });
});

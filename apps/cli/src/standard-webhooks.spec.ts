import { isWebhookSecret, signDelivery } from './standard-webhooks.js';

// The example from the Standard Webhooks specification's reference implementations.
const vector = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('Standard Webhooks sender', () => {
  it('puts the id, timestamp and signature in the three headers', () => {
    expect(signDelivery(vector.secret, vector.body, vector.id, vector.timestamp)).toEqual({
      headers: { 'webhook-id': vector.id, 'webhook-timestamp': String(vector.timestamp), 'webhook-signature': vector.signature },
      body: vector.body,
    });
  });

  it('gives every delivery its own id', () => {
    const ids = new Set(Array.from({ length: 100 }, () => signDelivery(vector.secret, vector.body).headers['webhook-id']));
    expect(ids.size).toBe(100);
  });

  it.each([
    [vector.secret, true],
    ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', false],
    ['whsec_', false],
    ['whsec_not base64!', false],
  ])('recognises %s as a secret: %s', (secret, expected) => {
    expect(isWebhookSecret(secret)).toBe(expected);
  });
});

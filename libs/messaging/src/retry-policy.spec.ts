import { TributaryError } from '@tributary/domain';
import { backoffDelay, describeError, isRetryable, NonRetryable, retryPolicyOf, withRetryPolicy, type RetryPolicy } from './retry-policy.js';

describe('retry policy', () => {
  const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 };

  describe('backoffDelay', () => {
    it.each([
      [1, 100],
      [2, 200],
      [3, 400],
      [4, 800],
      [5, 1_000],
      [12, 1_000],
    ])('after attempt %i waits at most %i ms', (attempt, ceiling) => {
      expect(backoffDelay(policy, attempt, () => 1)).toBe(ceiling);
    });

    it('draws the delay uniformly below the ceiling (full jitter)', () => {
      expect(backoffDelay(policy, 3, () => 0)).toBe(0);
      expect(backoffDelay(policy, 3, () => 0.5)).toBe(200);
    });

    it('treats an attempt below 1 as the first', () => {
      expect(backoffDelay(policy, 0, () => 1)).toBe(100);
    });
  });

  describe('isRetryable', () => {
    it.each([
      ['an unexpected Error', new Error('socket hang up'), true],
      ['a thrown string', 'boom', true],
      ['an unavailable TributaryError', new TributaryError('unavailable', 'unavailable', 'x'), true],
      ['a conflict TributaryError', new TributaryError('conflict', 'wrong_expected_version', 'x'), true],
      ['an invalid TributaryError', new TributaryError('invalid', 'payload_invalid', 'x'), false],
      ['a signature failure', new TributaryError('invalid', 'signature_invalid', 'x'), false],
      ['a not_found TributaryError', new TributaryError('not_found', 'tenant_not_found', 'x'), false],
    ])('%s -> %s', (_, error, retryable) => {
      expect(isRetryable(error)).toBe(retryable);
    });
  });

  describe('describeError', () => {
    it('keeps the code of a TributaryError', () => {
      expect(describeError(new TributaryError('invalid', 'payload_invalid', 'bad'))).toEqual({ code: 'payload_invalid', message: 'bad' });
    });

    it('codes anything else as handler_failed', () => {
      expect(describeError(new Error('boom'))).toEqual({ code: 'handler_failed', message: 'boom' });
      expect(describeError('boom')).toEqual({ code: 'handler_failed', message: 'boom' });
    });
  });

  describe('a handler\'s own failures', () => {
    it('NonRetryable is never retried and keeps its code', () => {
      const error = new NonRetryable('carrier_payload_invalid', 'The carrier does not know this parcel');
      expect(isRetryable(error)).toBe(false);
      expect(describeError(error)).toEqual({ code: 'carrier_payload_invalid', message: 'The carrier does not know this parcel' });
    });

    it('carries the failing handler\'s policy on its error, and falls back to the default without one', () => {
      const own: RetryPolicy = { maxAttempts: 9, baseDelayMs: 1, maxDelayMs: 2 };
      expect(retryPolicyOf(withRetryPolicy(new Error('boom'), own), policy)).toBe(own);
      expect(retryPolicyOf(new Error('boom'), policy)).toBe(policy);
      expect(retryPolicyOf('not an object', policy)).toBe(policy);
    });
  });
});

import { TributaryError } from '@tributary/domain';
import { parsePayload, Topics } from '@tributary/topics';
import { adaptDpdPush } from './adapt-dpd-push.handler.js';

describe('DPD-style adapter', () => {
  const push = { pushid: '123', pnr: ' 01234567890123 ', status: 'delivery_customer', statusdate: '23112026143005', depot: '0176', extra: 'kept' };

  it('maps a push to a canonical update (status code, ddMMyyyyHHmmss in UTC)', () => {
    expect(adaptDpdPush(parsePayload(Topics.dpdPushReceived, push))).toEqual({
      trackingId: '01234567890123',
      carrier: 'dpd',
      status: 'delivered',
      carrierStatus: 'delivery_customer',
      occurredAt: '2026-11-23T14:30:05.000Z',
    });
  });

  it.each([
    ['start_order', 'pre_transit'],
    ['pickup_depot', 'in_transit'],
    ['delivery_carload', 'out_for_delivery'],
    ['delivery_nab', 'exception'],
    ['delivery_return', 'returned'],
    ['something_else', 'unknown'],
  ])('maps %s to %s', (status, expected) => {
    expect(adaptDpdPush({ ...push, status }).status).toBe(expected);
  });

  it('refuses an impossible date as non-retryable', () => {
    let error: unknown;
    try {
      adaptDpdPush({ ...push, statusdate: '31022026100000' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TributaryError);
    expect((error as TributaryError).retryable).toBe(false);
  });

  it('keeps fields it does not know but validates the ones it uses', () => {
    expect(() => parsePayload(Topics.dpdPushReceived, { ...push, statusdate: '2026-11-23' })).toThrow(/statusdate/);
  });
});

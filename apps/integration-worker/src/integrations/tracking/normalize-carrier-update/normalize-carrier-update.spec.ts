import { normalizeCarrierUpdate } from './normalize-carrier-update.handler.js';

describe('normalizeCarrierUpdate', () => {
  it('maps the carrier vocabulary to a canonical status and keeps the original', () => {
    expect(
      normalizeCarrierUpdate({ trackingId: ' PKG-1 ', carrier: 'DHL', status: 'In Transit', occurredAt: '2026-11-23T11:00:00+01:00' }),
    ).toEqual({ trackingId: 'PKG-1', carrier: 'dhl', status: 'in_transit', carrierStatus: 'In Transit', occurredAt: '2026-11-23T10:00:00.000Z' });
  });

  it.each([
    ['DELIVERED', 'delivered'],
    ['out-for-delivery', 'out_for_delivery'],
    ['Picked up', 'in_transit'],
    ['return to sender', 'returned'],
    ['something new', 'unknown'],
  ])('normalizes "%s" to %s', (status, expected) => {
    expect(normalizeCarrierUpdate({ trackingId: 'X', carrier: 'ups', status, occurredAt: '2026-01-01T00:00:00Z' }).status).toBe(expected);
  });
});

import { parsePayload, Topics } from '@tributary/topics';
import { adaptEasyPostEvent } from './adapt-easypost-event.handler.js';

describe('EasyPost-style adapter', () => {
  const tracker = {
    id: 'trk_1',
    object: 'Tracker',
    tracking_code: 'EZ1',
    carrier: 'UPS',
    status: 'out_for_delivery',
    updated_at: '2026-11-23T10:00:00Z',
    est_delivery_date: null,
  };

  it('turns every tracking detail into a canonical update', () => {
    const event = parsePayload(Topics.easyPostEventReceived, {
      object: 'Event',
      description: 'tracker.updated',
      result: {
        ...tracker,
        tracking_details: [
          { status: 'in_transit', message: 'Departed', datetime: '2026-11-23T08:00:00Z', tracking_location: { city: 'X' } },
          { status: 'available_for_pickup', message: '', datetime: '2026-11-23T09:00:00Z' },
          { status: 'failure', message: 'Damaged', datetime: '2026-11-23T09:30:00Z' },
        ],
      },
    });
    expect(adaptEasyPostEvent(event)).toEqual([
      { trackingId: 'EZ1', carrier: 'ups', status: 'in_transit', carrierStatus: 'Departed', occurredAt: '2026-11-23T08:00:00.000Z' },
      { trackingId: 'EZ1', carrier: 'ups', status: 'out_for_delivery', carrierStatus: 'available_for_pickup', occurredAt: '2026-11-23T09:00:00.000Z' },
      { trackingId: 'EZ1', carrier: 'ups', status: 'exception', carrierStatus: 'Damaged', occurredAt: '2026-11-23T09:30:00.000Z' },
    ]);
  });

  it('uses the tracker status when there are no details', () => {
    const event = parsePayload(Topics.easyPostEventReceived, { description: 'tracker.created', result: tracker });
    expect(adaptEasyPostEvent(event)).toEqual([
      { trackingId: 'EZ1', carrier: 'ups', status: 'out_for_delivery', carrierStatus: 'out_for_delivery', occurredAt: '2026-11-23T10:00:00.000Z' },
    ]);
  });

  it('rejects an event without a tracker', () => {
    expect(() => parsePayload(Topics.easyPostEventReceived, { description: 'tracker.updated', result: { id: 'x' } })).toThrow(/payload is invalid/);
  });
});

import { TributaryError } from '@tributary/domain';
import { allTopics, parsePayload, topicByName, Topics } from './index.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof TributaryError ? { code: error.code, fields: error.details?.fields } : 'unexpected';
  }
};

describe('topic registry', () => {
  const update = { trackingId: 'PKG-1', carrier: 'dhl', status: 'In Transit', occurredAt: '2026-11-23T10:00:00Z' };

  it('parses a valid payload into its class, keyed by the entity', () => {
    const parsed = parsePayload(Topics.carrierUpdateReceived, update);
    expect(parsed).toEqual(update);
    expect(Topics.carrierUpdateReceived.key(parsed)).toBe('PKG-1');
  });

  it.each([
    ['a missing field (declared on the shared base)', { ...update, trackingId: undefined }, ['trackingId']],
    ['an unknown field', { ...update, colour: 'red' }, ['colour']],
    ['a date that is not ISO-8601', { ...update, occurredAt: 'yesterday' }, ['occurredAt']],
    ['an empty carrier', { ...update, carrier: '' }, ['carrier']],
  ])('rejects %s, naming it', (_, data, fields) => {
    expect(codeOf(() => parsePayload(Topics.carrierUpdateReceived, data))).toEqual({ code: 'payload_invalid', fields });
  });

  it.each([null, [], 'text', 42])('rejects a payload that is not an object (%p)', (data) => {
    expect(codeOf(() => parsePayload(Topics.carrierUpdateReceived, data))).toMatchObject({ code: 'payload_invalid' });
  });

  it('holds package updates to the canonical statuses', () => {
    const normalized = { ...update, status: 'in_transit', carrierStatus: 'In Transit' };
    expect(codeOf(() => parsePayload(Topics.packageUpdated, normalized))).toBeUndefined();
    expect(codeOf(() => parsePayload(Topics.packageUpdated, { ...normalized, status: 'In Transit' }))).toEqual({
      code: 'payload_invalid',
      fields: ['status'],
    });
  });

  it('finds topics by name and refuses unknown ones', () => {
    expect(allTopics.map((t) => t.name)).toEqual(expect.arrayContaining(['tracking.carrier-update.received', 'tracking.package.updated', 'integration.action.requested']));
    expect(new Set(allTopics.map((t) => t.name)).size).toBe(allTopics.length);
    expect(topicByName('tracking.package.updated')).toBe(Topics.packageUpdated);
    expect(codeOf(() => topicByName('tracking.nope'))).toMatchObject({ code: 'topic_unknown' });
  });
});

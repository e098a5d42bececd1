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
    expect(allTopics.map((t) => t.name)).toEqual(expect.arrayContaining(['tracking.carrier-update.received', 'tracking.package.updated', 'integration.action.requested', 'build.created', 'build.updated', 'build.disk-usage.updated', 'build.reaped']));
    expect(new Set(allTopics.map((t) => t.name)).size).toBe(allTopics.length);
    expect(topicByName('tracking.package.updated')).toBe(Topics.packageUpdated);
    expect(codeOf(() => topicByName('tracking.nope'))).toMatchObject({ code: 'topic_unknown' });
  });

  describe('build events (probo-db)', () => {
    const ids = { buildId: '51246265-be28-4af3-8148-22ebdd46eab2', projectId: '651f7cc3-af8c-4db1-995e-fac844f467dc' };

    it('keys every build event by its build', () => {
      const usage = parsePayload(Topics.buildDiskUsageUpdated, { ...ids, measuredAt: '2017-06-12T13:45:35.391Z', realBytes: 13462483, virtualBytes: 1512017490 });
      expect(Topics.buildDiskUsageUpdated.key(usage)).toBe(ids.buildId);
      const created = parsePayload(Topics.buildCreated, { ...ids, createdAt: '2017-06-12T13:44:07.145Z', branchName: 'features/test', pullRequestNumber: 7, config: { image: 'lamp' } });
      expect(created).toMatchObject({ branchName: 'features/test', config: { image: 'lamp' } });
    });

    it.each([
      ['a build id that is not a UUID', Topics.buildUpdated, { ...ids, buildId: '123', updatedAt: '2017-06-12T13:45:35Z', status: 'success' }, ['buildId']],
      ['a missing project', Topics.buildReaped, { buildId: ids.buildId, reapedAt: '2017-06-12T13:45:35Z' }, ['projectId']],
      ['negative bytes', Topics.buildDiskUsageUpdated, { ...ids, measuredAt: '2017-06-12T13:45:35Z', realBytes: -1, virtualBytes: 0 }, ['realBytes']],
      ['an update without its time', Topics.buildUpdated, { ...ids, status: 'success' }, ['updatedAt']],
    ])('rejects %s', (_, topic, data, fields) => {
      expect(codeOf(() => parsePayload(topic as typeof Topics.buildUpdated, data))).toEqual({ code: 'payload_invalid', fields });
    });
  });
});

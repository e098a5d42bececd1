import { loadChangeSinkConfig } from '../change-sink.config.js';
import { ChangeAudience } from './change-audience.js';
import type { CapturedChange } from './captured-change.js';

const audiences = new ChangeAudience(
  loadChangeSinkConfig({
    DATABASE_URL: 'postgres://localhost/x',
    TABLE_NAMES: 'users,notes,statuses,unrouted',
    TABLE_AUTH_COLUMN_ROUTING: '{"users":"id","notes":["senderID","recipientID"],"statuses":"*"}',
  }),
);

const change = (table: string, row: Record<string, unknown> | null, extra: Partial<CapturedChange> = {}): CapturedChange => ({
  id: '1',
  cursor: '10.1',
  position: { transactionId: '10', id: '1' },
  table,
  op: 'insert',
  tenantId: 'acme',
  row,
  oldRow: null,
  changedAt: new Date(1_700_000_000_000),
  source: 'database',
  sourceType: 'postgres',
  version: 1,
  targetUser: null,
  ...extra,
});

describe('ChangeAudience: the users a change can reach', () => {
  it("names the rule's columns' values, everyone with *, no one without a rule", () => {
    expect(audiences.of(change('notes', { senderID: 1, recipientID: 2 }))).toEqual(['1', '2']);
    expect(audiences.of(change('notes', { senderID: 1, recipientID: null }))).toEqual(['1']);
    expect(audiences.of(change('statuses', {}))).toBe('*');
    expect(audiences.of(change('unrouted', { id: 1 }))).toEqual([]);
  });

  it('routes a delete by the old row, and a published change to its addressee whatever the routing', () => {
    expect(audiences.of(change('users', null, { op: 'delete', oldRow: { id: 3 } }))).toEqual(['3']);
    expect(audiences.of(change('users', { id: 3 }, { targetUser: '9' }))).toEqual(['9']);
    expect(audiences.of(change('unrouted', {}, { targetUser: '*' }))).toBe('*');
  });
});

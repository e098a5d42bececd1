import { loadChangeSinkConfig } from '../change-sink.config.js';
import type { CapturedChange } from '../capture/captured-change.js';
import type { Viewer } from '../auth/viewer.js';
import { ChangeAudience } from '../capture/change-audience.js';
import { ChangePolicy } from './change-policy.js';

const config = loadChangeSinkConfig({
  DATABASE_URL: 'postgres://localhost/x',
  TABLE_NAMES: 'users,games,notes,statuses,unrouted',
  TABLE_AUTH_COLUMN_ROUTING: '{"users":"id","games":"hostUserId","notes":["senderID","recipientID"],"statuses":"*"}',
  FILTERS: 'users.password',
});
const policy = new ChangePolicy(config, new ChangeAudience(config));

const change = (table: string, row: Record<string, unknown>, extra: Partial<CapturedChange> = {}): CapturedChange => ({
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
const user = (userId: string, tenantId: string | null = 'acme'): Viewer => ({ kind: 'user', userId, tenantId, credential: { type: 'auth_table', token: 't' } });
const key = (tenantId: string): Viewer => ({ kind: 'tenant_key', tenantId, keyId: 'k' });
const sees = (c: CapturedChange, viewer: Viewer) => policy.view(c, viewer) !== null;

describe('ChangePolicy: who sees a change, and what of it', () => {
  it('routes by one column, by any of several, and to everyone with *; a table without a rule reaches no user', () => {
    expect([sees(change('games', { hostUserId: 7 }), user('7')), sees(change('games', { hostUserId: 7 }), user('8'))]).toEqual([true, false]);
    const note = change('notes', { senderID: 1, recipientID: 2 });
    expect(['1', '2', '3'].map((id) => sees(note, user(id)))).toEqual([true, true, false]);
    expect(sees(change('statuses', {}), user('99'))).toBe(true);
    expect(sees(change('unrouted', { id: 7 }), user('7'))).toBe(false);
    expect(sees(change('unrouted', { id: 7 }), key('acme'))).toBe(true);
  });

  it('never crosses tenants, whatever the routing and the ids', () => {
    expect(sees(change('statuses', {}), user('1', 'globex'))).toBe(false);
    expect(sees(change('games', { hostUserId: 1 }), user('1', null))).toBe(false);
    expect(sees(change('statuses', {}), key('globex'))).toBe(false);
    expect(sees(change('statuses', {}, { tenantId: null }), key('acme'))).toBe(false);
    expect(sees(change('statuses', {}, { tenantId: null }), user('1', null))).toBe(true);
  });

  it('routes a delete by its old row, removes FILTERS columns, and sends esink’s shape', () => {
    const deleted = change('users', {}, { op: 'delete', row: null, oldRow: { id: 5, name: 'x', password: 'p' } });
    expect(policy.view(deleted, user('5'))).toEqual({
      id: '10.1',
      table: 'users',
      type: 'delete',
      data: { id: 5, name: 'x' },
      source: 'database',
      source_type: 'postgres',
      timestamp: 1_700_000_000_000,
      version: 1,
    });
  });

  it('sends a published change to its target user, or to the whole tenant with *', () => {
    const toOne = change('anything', { a: 1 }, { targetUser: '3', sourceType: 'api' });
    expect(['3', '4'].map((id) => sees(toOne, user(id)))).toEqual([true, false]);
    expect(sees(toOne, key('acme'))).toBe(false);
    expect(sees(change('anything', {}, { targetUser: '*' }), user('4'))).toBe(true);
  });
  it("shows a platform API key a row whose routing value cannot be compared; a user's view of it fails (the feed skips it)", () => {
    const poison = change('games', { hostUserId: { toString: 1 } });
    expect(sees(poison, key('acme'))).toBe(true);
    expect(() => policy.view(poison, user('7'))).toThrow(TypeError);
  });
});

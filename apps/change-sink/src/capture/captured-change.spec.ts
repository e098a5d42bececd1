import { committedBefore, isAfter, parseCursor, parseSnapshot } from './captured-change.js';

describe('positions in the change stream', () => {
  it('parses cursors and orders them by transaction, then change id', () => {
    expect(parseCursor('42.7')).toEqual({ transactionId: '42', id: '7' });
    expect(isAfter(parseCursor('43.1'), parseCursor('42.9'))).toBe(true);
    expect(isAfter(parseCursor('42.9'), parseCursor('42.10'))).toBe(false);
    for (const bad of ['', '42', '42.x', '1.2.3', '-1.2', `${'9'.repeat(21)}.1`]) {
      expect(() => parseCursor(bad)).toThrow(expect.objectContaining({ code: 'cursor_invalid' }));
    }
  });

  it('tells whether a transaction had committed when a snapshot was taken', () => {
    const snapshot = parseSnapshot('100:105:101,103');
    expect(['99', '100', '101', '102', '103', '104', '105', '200'].map((xid) => committedBefore(snapshot, xid))).toEqual([
      true, true, false, true, false, true, false, false,
    ]);
    expect(committedBefore(parseSnapshot('10:10:'), '9')).toBe(true);
  });
});

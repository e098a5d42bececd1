import { coalesce, nextTick, parseCron } from './cron.js';

describe('cron schedules', () => {
  it('computes the next tick in the schedule\'s time zone', () => {
    const weekdaysAtNine = parseCron('0 9 * * 1-5', 'Europe/Berlin');
    expect(nextTick(weekdaysAtNine, new Date('2026-11-23T12:00:00Z')).toISOString()).toBe('2026-11-24T08:00:00.000Z');
    expect(nextTick(parseCron('0 9 * * 1-5', 'America/New_York'), new Date('2026-11-23T12:00:00Z')).toISOString()).toBe('2026-11-23T14:00:00.000Z');
  });

  it('fires once for the latest missed tick after downtime, then goes on from the future', () => {
    const hourly = parseCron('0 * * * *', 'UTC');
    expect(coalesce(hourly, new Date('2026-11-23T03:00:00Z'), new Date('2026-11-23T10:30:00Z'))).toEqual({
      tick: new Date('2026-11-23T10:00:00Z'),
      next: new Date('2026-11-23T11:00:00Z'),
    });
  });

  it.each([
    ['61 * * * *', 'UTC', 'cron'],
    ['not a cron', 'UTC', 'cron'],
    ['* * * * *', 'Mars/Olympus_Mons', 'timeZone'],
  ])('refuses %s in %s, naming the field', (expression, zone, field) => {
    expect(() => parseCron(expression, zone)).toThrow(expect.objectContaining({ code: 'schedule_invalid', details: { fields: [field] } }));
  });
});

import type { PackageStatus } from '@tributary/domain';
import { decide } from './package-state-machine.js';

const at = (hour: number) => new Date(Date.UTC(2026, 10, 23, hour));
const state = (status: PackageStatus, hour: number) => ({ status, statusAt: at(hour) });
const event = (status: PackageStatus, hour: number) => ({ status, occurredAt: at(hour) });

describe('package state machine', () => {
  it('applies the first known state of a package, whatever it is', () => {
    expect(decide(undefined, event('out_for_delivery', 9))).toBe('applied');
  });

  it.each<[PackageStatus, PackageStatus]>([
    ['pre_transit', 'in_transit'],
    ['in_transit', 'out_for_delivery'],
    ['pre_transit', 'delivered'],
    ['out_for_delivery', 'exception'],
    ['exception', 'out_for_delivery'],
    ['exception', 'in_transit'],
    ['delivered', 'returned'],
    ['in_transit', 'returned'],
  ])('moves %s → %s', (from, to) => {
    expect(decide(state(from, 8), event(to, 9))).toBe('applied');
  });

  it.each<[PackageStatus, PackageStatus]>([
    ['delivered', 'in_transit'],
    ['out_for_delivery', 'pre_transit'],
    ['delivered', 'exception'],
    ['returned', 'delivered'],
    ['exception', 'pre_transit'],
  ])('never moves backwards: %s → %s is a regression', (from, to) => {
    expect(decide(state(from, 8), event(to, 9))).toBe('regression');
  });

  it('keeps late news out of the current state (out of order), and repeats as repeats', () => {
    expect(decide(state('delivered', 10), event('in_transit', 8))).toBe('stale');
    expect(decide(state('in_transit', 10), event('out_for_delivery', 9))).toBe('stale');
    expect(decide(state('in_transit', 8), event('in_transit', 9))).toBe('same');
    expect(decide(state('in_transit', 8), event('in_transit', 8))).toBe('same');
  });

  it('ignores a status it could not understand', () => {
    expect(decide(state('in_transit', 8), event('unknown', 9))).toBe('ignored');
    expect(decide(undefined, event('unknown', 9))).toBe('ignored');
  });
});

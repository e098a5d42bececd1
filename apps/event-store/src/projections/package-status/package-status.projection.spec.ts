import type { PackageUpdated } from '@tributary/topics';
import type { ProjectedEvent } from '../projection.js';
import { latestCandidates } from './package-status.projection.js';

const event = (position: number, trackingId: string, occurredAt: string, tenantId = 't1') =>
  ({ position, tenantId, data: { trackingId, occurredAt } }) as unknown as ProjectedEvent<PackageUpdated>;

describe('package_status: the candidates a rebuild writes for a batch', () => {
  it('keeps only what may be each package’s latest update', () => {
    const batch = [
      event(1, 'A', '2026-11-23T10:00:00Z'),
      event(2, 'A', '2026-11-23T11:00:00Z'),
      event(3, 'B', '2026-11-23T09:00:00Z'),
      event(4, 'A', '2026-11-23T10:30:00+02:00'), // 08:30Z: older
      event(5, 'A', '2026-11-23T11:00:00Z', 't2'), // another tenant's A
    ];
    expect(latestCandidates(batch).map((e) => e.position)).toEqual([2, 3, 5]);
  });

  it('keeps every update within a millisecond of the latest, for the database to compare exactly', () => {
    const batch = [
      event(1, 'A', '2026-11-23T10:00:00.0004Z'),
      event(2, 'A', '2026-11-23T10:00:00.0001Z'),
      event(3, 'A', '2026-11-23T10:00:00.0009Z'),
      event(4, 'A', '2026-11-23T09:59:59.998Z'),
    ];
    expect(latestCandidates(batch).map((e) => e.position)).toEqual([1, 2, 3]);
  });
});

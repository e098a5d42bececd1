/** The canonical package states every carrier's vocabulary is normalized to. */
export const PACKAGE_STATUSES = [
  'pre_transit',
  'in_transit',
  'out_for_delivery',
  'delivered',
  'exception',
  'returned',
  'unknown',
] as const;

export type PackageStatus = (typeof PACKAGE_STATUSES)[number];

const SYNONYMS: Record<string, PackageStatus> = {
  created: 'pre_transit',
  label_created: 'pre_transit',
  pre_transit: 'pre_transit',
  info_received: 'pre_transit',
  accepted: 'in_transit',
  picked_up: 'in_transit',
  in_transit: 'in_transit',
  transit: 'in_transit',
  on_the_way: 'in_transit',
  out_for_delivery: 'out_for_delivery',
  with_courier: 'out_for_delivery',
  delivered: 'delivered',
  delivery_successful: 'delivered',
  exception: 'exception',
  failed_attempt: 'exception',
  delivery_failed: 'exception',
  returned: 'returned',
  return_to_sender: 'returned',
};

/** Maps a carrier's own status word ("In Transit", "IN-TRANSIT", "picked up") to a canonical status. */
export function normalizePackageStatus(raw: string): PackageStatus {
  const key = raw
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  return SYNONYMS[key] ?? 'unknown';
}

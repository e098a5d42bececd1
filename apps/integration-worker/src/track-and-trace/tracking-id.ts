import { TributaryError } from '@tributary/domain';

const TRACKING_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A tracking id from a path, checked: 1–128 letters, digits, `.` `_` `:` `-` (`tracking_id_invalid` otherwise). */
export function trackingIdOf(value: string): string {
  if (!TRACKING_ID.test(value)) throw new TributaryError('invalid', 'tracking_id_invalid', 'A tracking id is 1–128 letters, digits, . _ : -');
  return value;
}

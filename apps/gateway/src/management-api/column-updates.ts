/** The database's clock for `updated_at` and friends, as a TypeORM update value. */
export const NOW = (): string => 'now()';

/**
 * The `disabled_at` change an `enabled` flag asks for: nothing when absent, cleared when true, and when false set
 * to now unless already disabled (so the first disabling time stays).
 */
export function disabledAtFor(enabled: boolean | undefined): { disabledAt?: null | (() => string) } {
  if (enabled === undefined) return {};
  return { disabledAt: enabled ? null : () => 'coalesce(disabled_at, now())' };
}

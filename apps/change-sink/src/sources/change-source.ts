/** A user found by its token in AUTH_TABLE. */
export interface UserRecord {
  readonly token: string;
  readonly userId: string;
  readonly tenantId: string | null;
}

/**
 * The operator's database, where TABLE_NAMES and AUTH_TABLE live: PostgreSQL (the change-sink's own
 * database, captured by triggers into `change_sink.changes`) or MySQL/MariaDB (triggers into the
 * MYSQL_TABLE_TARGET outbox, relayed into `change_sink.changes`). Abstract class: the DI token.
 */
export abstract class ChangeSource {
  abstract readonly kind: 'postgres' | 'mysql';

  /** The columns of one of the operator's tables, or null when it does not exist. */
  abstract columnsOf(table: string): Promise<Set<string> | null>;

  /** AUTH_TABLE rows whose AUTH_COLUMN equals one of `tokens`. */
  abstract usersByToken(tokens: readonly string[]): Promise<UserRecord[]>;

  /** Installs the capture of TABLE_NAMES (after the schema check) and starts relaying, if any. */
  abstract start(): Promise<void>;

  /** Removes the capture triggers of one table (`tributary change-sink uninstall`, tests). */
  abstract uninstall(table: string): Promise<void>;

  abstract stop(): Promise<void>;

  /**
   * The operator's tables not captured now, each with the reason (readiness). PostgreSQL's are the
   * TriggerInstaller's, which the readiness check asks itself.
   */
  abstract uncaptured(): Promise<string[]>;
}

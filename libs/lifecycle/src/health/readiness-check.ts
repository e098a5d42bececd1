/** Something an app needs before it can take work (besides its database, which is always checked). */
export interface ReadinessCheck {
  readonly name: string;
  /** Resolves with details when ready; throws (with a message saying why) when not. */
  check(): Promise<Record<string, unknown>>;
}

/** The app's readiness checks, as one list (the module gathers them; the controller runs them). */
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

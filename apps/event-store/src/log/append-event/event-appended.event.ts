import type { StoredEvent } from '../stored-event.js';

/** Published on the CQRS EventBus after an append commits (never for a repeated event id). */
export class EventAppended {
  constructor(readonly event: StoredEvent) {}
}

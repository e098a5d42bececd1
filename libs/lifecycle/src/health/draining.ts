import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';

/** Turns readiness off as soon as shutdown starts, so traffic moves elsewhere while in-flight work finishes. */
@Injectable()
export class Draining implements BeforeApplicationShutdown {
  private draining = false;

  get active(): boolean {
    return this.draining;
  }

  /** From now on /health/ready answers 503 (the drain on SIGTERM calls it first; `close()` does too). */
  begin(): void {
    this.draining = true;
  }

  beforeApplicationShutdown(): void {
    this.begin();
  }
}

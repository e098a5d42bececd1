import { Inject, Injectable } from '@nestjs/common';
import type { ReadinessCheck } from '@tributary/lifecycle';
import { ChangeSource } from '../sources/change-source.js';
import { TriggerInstaller } from '../sources/trigger-installer.js';

/**
 * The change-sink is ready while every table it is configured to capture is captured: the
 * platform's (CAPTURE_TABLES, none when empty) and the operator's (TABLE_NAMES), checked in the
 * database at each probe — a trigger dropped since the start makes it not ready, naming the table.
 */
@Injectable()
export class CaptureReadiness implements ReadinessCheck {
  readonly name = 'capture';

  constructor(
    private readonly installer: TriggerInstaller,
    @Inject(ChangeSource) private readonly source: ChangeSource,
  ) {}

  async check(): Promise<Record<string, unknown>> {
    const missing = (await Promise.all([this.installer.uncaptured(), this.source.uncaptured()])).flat();
    if (missing.length > 0) throw new Error(`not captured: ${missing.join(', ')}`);
    return {};
  }
}

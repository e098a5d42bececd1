import { Inject, Injectable } from '@nestjs/common';
import type { ReadinessCheck } from '@tributary/runtime';
import { ChangeSource } from '../sources/change-source.js';
import { TriggerInstaller } from './trigger-installer.js';

/** The change-sink is ready once every configured table is captured. */
@Injectable()
export class CaptureReadiness implements ReadinessCheck {
  readonly name = 'capture';

  constructor(
    private readonly installer: TriggerInstaller,
    @Inject(ChangeSource) private readonly source: ChangeSource,
  ) {}

  async check(): Promise<Record<string, unknown>> {
    const missing = [...new Set([...this.installer.missing, ...this.source.missing()])];
    if (missing.length > 0) throw new Error(`not captured yet: ${missing.join(', ')}`);
    return {};
  }
}

import { Module } from '@nestjs/common';
import { SourcesModule } from '../sources/sources.module.js';
import { CaptureLifecycle } from './capture-lifecycle.js';
import { ChangeAudience } from './change-audience.js';
import { ChangeReader } from './change-reader.js';

/** Capture: the sources' triggers (Postgres) or outbox relay (MySQL) into the change table, its reader and pruning. */
@Module({
  imports: [SourcesModule],
  providers: [ChangeAudience, ChangeReader, CaptureLifecycle],
  // The sources too: the readiness check (HealthModule) asks them what is not captured.
  exports: [SourcesModule, ChangeAudience, ChangeReader],
})
export class CaptureModule {}

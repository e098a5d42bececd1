import { Module, type DynamicModule, type ModuleMetadata, type Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Draining } from './draining.js';
import { HealthController } from './health.controller.js';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness-check.js';

export interface HealthOptions {
  /** Modules the checks need. */
  readonly imports?: ModuleMetadata['imports'];
  /** Checks this module provides. */
  readonly checks?: Type<ReadinessCheck>[];
  /** Checks another (global or imported) module provides, used as they are: e.g. the transport's, which its consumers report to. */
  readonly provided?: Type<ReadinessCheck>[];
}

/** `/health/live` and `/health/ready` (terminus), on the app's HTTP port. */
@Module({})
export class HealthModule {
  static forRoot(options: HealthOptions = {}): DynamicModule {
    const checks = options.checks ?? [];
    const all = [...checks, ...(options.provided ?? [])];
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false }), ...(options.imports ?? [])],
      controllers: [HealthController],
      providers: [
        Draining,
        ...checks,
        { provide: READINESS_CHECKS, inject: all, useFactory: (...instances: ReadinessCheck[]) => instances },
      ],
      exports: [Draining],
    };
  }
}

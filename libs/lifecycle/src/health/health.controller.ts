import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { TributaryError } from '@tributary/domain';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Draining } from './draining.js';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness-check.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
    private readonly draining: Draining,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
  ) {}

  /** The process is alive (its event loop answers); a failing liveness probe restarts the container. */
  @Get('live')
  @ApiOperation({ operationId: 'HealthController_live', summary: 'Liveness: the process answers' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Ready to take traffic: database reachable, app-specific checks up, not shutting down. Not ready:
   * 503 `not_ready` naming the checks that are down, their reasons in `details.checks`.
   */
  @Get('ready')
  @HealthCheck()
  @ApiOperation({ operationId: 'HealthController_ready', summary: 'Readiness: database, message transport, app-specific dependencies, not draining (503 when not ready)' })
  async ready() {
    try {
      return await this.health.check([
        () => this.probe('lifecycle', async () => {
          if (this.draining.active) throw new Error('shutting down');
          return {};
        }),
        () => this.probe('database', async () => {
          // SQL: the cheapest round trip that proves the database answers.
          await this.dataSource.query('SELECT 1');
          return {};
        }),
        ...this.checks.map((c) => () => this.probe(c.name, () => c.check())),
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const down = ((error.getResponse() as { error?: Record<string, { message?: string }> }).error ?? {}) as Record<string, { message?: string }>;
      const reasons = Object.entries(down).map(([name, check]) => `${name} (${check.message ?? 'down'})`);
      throw new TributaryError('unavailable', 'not_ready', `Not ready: ${reasons.join(', ')}`, { checks: down });
    }
  }

  private async probe(name: string, run: () => Promise<Record<string, unknown>>): Promise<HealthIndicatorResult> {
    const session = this.indicators.check(name);
    try {
      return session.up(await run());
    } catch (error) {
      return session.down({ message: (error as Error).message });
    }
  }
}

import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Draining } from '@tributary/lifecycle';
import type { Response } from 'express';
import { UpstreamApps } from '../upstream-apps.js';

/** The root's probes: it has no database; ready while not draining and every app's `/health/ready` answers 200. */
@ApiTags('health')
@Controller('health')
export class RootHealthController {
  constructor(
    private readonly draining: Draining,
    private readonly apps: UpstreamApps,
  ) {}

  @Get('live')
  @ApiOperation({ operationId: 'ApiRoot_live', summary: 'Liveness: the process answers' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 503 `not_ready` naming the apps that are not ready (the root would answer their paths 502). */
  @Get('ready')
  @ApiOperation({ operationId: 'ApiRoot_ready', summary: 'Readiness: not draining, and each app behind the root ready' })
  async ready(@Res() response: Response): Promise<void> {
    const checks: Record<string, { status: 'up' | 'down' }> = { lifecycle: { status: this.draining.active ? 'down' : 'up' } };
    await Promise.all(
      this.apps.all.map(async (app) => {
        const ok = await fetch(`${app.url}/health/ready`, { signal: AbortSignal.timeout(3_000) }).then((r) => r.ok, () => false);
        checks[app.prefix] = { status: ok ? 'up' : 'down' };
      }),
    );
    const down = Object.keys(checks).filter((name) => checks[name].status === 'down');
    if (down.length === 0) return void response.json({ status: 'ok', checks });
    response.status(503).setHeader('retry-after', '5');
    response.json({ error: { code: 'not_ready', message: `Not ready: ${down.join(', ')}`, details: { checks } }, traceId: response.getHeader('x-trace-id') ?? '' });
  }
}

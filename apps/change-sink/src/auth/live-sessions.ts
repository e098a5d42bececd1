import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Metrics } from '@tributary/observability';
import { Counter, type Gauge } from 'prom-client';
import { ChangeSinkConfig } from '../change-sink.config.js';
import { Authenticator } from './authenticator.js';
import type { Viewer } from './viewer.js';

interface Session {
  readonly viewer: Viewer;
  readonly transport: 'socket.io' | 'graphql-ws';
  readonly end: (reason: string) => void;
}

/**
 * Every live connection (socket.io and graphql-ws) with its viewer. Every AUTH_RECHECK_MS the
 * credentials of all of them are checked again in bulk; a connection whose key was revoked, whose
 * user row changed or went, or whose JWT expired is ended with a reason.
 */
@Injectable()
export class LiveSessions implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LiveSessions.name);
  private readonly sessions = new Set<Session>();
  private timer?: NodeJS.Timeout;
  private checking = false;
  private readonly connected: Gauge;
  private readonly drops: Counter<'reason' | 'transport'>;

  constructor(
    private readonly authenticator: Authenticator,
    private readonly config: ChangeSinkConfig,
    metrics: Metrics,
  ) {
    this.connected = metrics.settableGauge('tributary_connected_clients', 'Clients connected (socket.io and graphql-ws)');
    this.drops = new Counter({
      name: 'tributary_clients_dropped_total',
      help: 'Connections the change-sink closed: too slow (buffer overflow) or credentials revoked/changed',
      labelNames: ['reason', 'transport'],
      registers: [metrics.registry],
    });
  }

  /** Counts a connection the service closed, by why and over what. */
  dropped(reason: 'slow' | 'revoked', transport: 'socket.io' | 'graphql-ws'): void {
    this.drops.inc({ reason, transport });
  }

  onApplicationBootstrap(): void {
    // recheck() handles its own failures; the catch is for what it did not foresee.
    this.timer = setInterval(() => {
      this.recheck().catch((error: unknown) => this.logger.error({ err: error }, 'credential re-check failed'));
    }, this.config.AUTH_RECHECK_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Tracks a connection; call the returned function when it closes. */
  add(viewer: Viewer, transport: 'socket.io' | 'graphql-ws', end: (reason: string) => void): () => void {
    const session = { viewer, transport, end };
    this.sessions.add(session);
    this.connected.set(this.sessions.size);
    return () => {
      this.sessions.delete(session);
      this.connected.set(this.sessions.size);
    };
  }

  /** Connections of `tenantId` that a change addressed to `userId` (`*`: all) reaches. */
  count(tenantId: string | null, userId: string): number {
    let n = 0;
    for (const { viewer } of this.sessions) {
      if (viewer.tenantId !== tenantId) continue;
      if (userId === '*' || (viewer.kind === 'user' && viewer.userId === userId)) n++;
    }
    return n;
  }

  async recheck(): Promise<void> {
    if (this.checking || this.sessions.size === 0) return;
    this.checking = true;
    try {
      const sessions = [...this.sessions];
      const revoked = await this.authenticator.revoked(sessions.map((s) => s.viewer));
      for (const session of sessions) {
        if (!revoked.has(session.viewer)) continue;
        this.sessions.delete(session);
        this.dropped('revoked', session.transport);
        try {
          session.end('Unauthorized: credentials revoked or changed');
        } catch (error) {
          this.logger.error({ err: error }, 'ending a revoked session failed');
        }
      }
      this.connected.set(this.sessions.size);
    } catch (error) {
      // Keep the connections while the check cannot run (database down): they were valid when last checked.
      this.logger.warn({ err: error }, 'credential re-check failed; will retry');
    } finally {
      this.checking = false;
    }
  }
}

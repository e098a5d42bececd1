import { Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayConnection,
  type OnGatewayInit,
  type OnGatewayDisconnect,
} from '@nestjs/websockets';
import { isTributaryError } from '@tributary/domain';
import { codedError, isOutage, STATUS_OF_KIND } from '@tributary/edge';
import type { Subscription } from 'rxjs';
import type { Namespace, Server, Socket } from 'socket.io';
import { ChangeSinkConfig } from '../change-sink.config.js';
import { parseCursor, type ChangePosition } from '../capture/captured-change.js';
import { Authenticator } from '../auth/authenticator.js';
import { LiveSessions } from '../auth/live-sessions.js';
import { userIdOf, type Viewer } from '../auth/viewer.js';
import { ChangeFeed } from '../delivery/change-feed.js';
import { PublishChange } from '../publishing/publish-change/publish-change.command.js';
import { SocketBroadcaster } from './socket-broadcaster.js';
import { SocketClient } from './socket-client.js';

interface SocketState {
  viewer?: Viewer;
  client?: SocketClient;
  feed?: Subscription;
  untrack?: () => void;
}

const state = (socket: Socket): SocketState => socket.data as SocketState;

/**
 * esink's socket.io protocol: `io(url, { auth: { token } })` → `connected` { sessionId, userId,
 * code: 200, message, cursor } or `error` { code: 401, message: "Unauthorized" } and a disconnect; then every
 * change the viewer may see under its table's name and under `changes`. Beyond esink:
 * `auth.after` (a change's `id`, or `connected`'s `cursor` before any change came) resumes after it, revoked credentials disconnect, a slow
 * client is dropped, and `publish` (with ALLOW_REPUBLISHING) publishes within the client's tenant.
 */
@WebSocketGateway({ cors: { origin: true }, destroyUpgrade: false, maxHttpBufferSize: 1_000_000 })
export class ChangeSocketGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(ChangeSocketGateway.name);

  constructor(
    private readonly authenticator: Authenticator,
    private readonly sessions: LiveSessions,
    private readonly feed: ChangeFeed,
    private readonly commandBus: CommandBus,
    private readonly config: ChangeSinkConfig,
    private readonly broadcaster: SocketBroadcaster,
  ) {}

  afterInit(server: Namespace | Server): void {
    this.broadcaster.attach(server);
  }

  async handleConnection(socket: Socket): Promise<void> {
    const auth = (socket.handshake.auth ?? {}) as { token?: unknown; after?: unknown };
    let viewer: Viewer;
    try {
      viewer = await this.authenticator.authenticate(auth.token);
    } catch (error) {
      const status = isOutage(error) ? 503 : 401;
      this.refuse(socket, status, status === 401 ? 'Unauthorized' : 'Service unavailable; try again');
      return;
    }
    let after: ChangePosition | undefined;
    try {
      after = auth.after === undefined || auth.after === null || auth.after === '' ? undefined : parseCursor(String(auth.after));
    } catch {
      this.refuse(socket, 400, 'auth.after must be the id of a change received earlier');
      return;
    }
    let start: Awaited<ReturnType<ChangeFeed['start']>>;
    try {
      start = await this.feed.start(after);
    } catch (error) {
      // Never rethrow from here: nothing awaits this handler, and an unhandled rejection ends the process.
      if (isTributaryError(error)) this.refuse(socket, STATUS_OF_KIND[error.kind], error.message);
      else {
        this.logger.error({ err: error, sessionId: socket.id }, 'starting a change stream failed');
        this.refuse(socket, 503, 'Service unavailable; try again');
      }
      return;
    }
    if (!socket.connected) return;

    const s = state(socket);
    s.viewer = viewer;
    s.client = new SocketClient(socket, this.broadcaster, this.config.CLIENT_BUFFER_BYTES, (reason) => {
      this.sessions.dropped('slow', 'socket.io');
      this.logger.warn({ sessionId: socket.id, userId: userIdOf(viewer) }, reason);
    });
    s.untrack = this.sessions.add(viewer, 'socket.io', (reason) => s.client?.end(401, reason));
    s.feed = this.feed.open(viewer, start).subscribe({
      next: (change) => s.client?.send(change),
      error: (error) => {
        const coded = codedError(error);
        if (coded && coded.kind !== 'internal') return s.client?.end(STATUS_OF_KIND[coded.kind], coded.message);
        this.logger.error({ err: error, sessionId: socket.id }, 'change stream failed');
        s.client?.end(500, 'Internal error');
      },
    });
    // Changes reach the client only after its start is known (the feed holds them until then).
    let cursor: string;
    try {
      cursor = await this.feed.cursorOf(start);
    } catch {
      // The stream failed on the same error and told the client (its error handler above).
      return;
    }
    if (!socket.connected) return;
    socket.emit('connected', { sessionId: socket.id, userId: userIdOf(viewer), code: 200, message: 'Connected', cursor });
  }

  handleDisconnect(socket: Socket): void {
    const s = state(socket);
    s.feed?.unsubscribe();
    s.untrack?.();
    s.client = undefined;
  }

  /** esink's self-publish (ALLOW_REPUBLISHING): the body of POST /publish without securityToken, within the client's tenant. */
  @SubscribeMessage('publish')
  async publish(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown): Promise<{ sentTo: number } | { code: number; message: string }> {
    const viewer = state(socket).viewer;
    try {
      if (!viewer) return this.fail(socket, 401, 'Unauthorized');
      if (!this.config.ALLOW_REPUBLISHING) return this.fail(socket, 403, 'Publishing from clients is disabled (ALLOW_REPUBLISHING)');
      return await this.commandBus.execute(PublishChange.fromClient(body, viewer.tenantId));
    } catch (error) {
      const coded = codedError(error);
      if (coded) return this.fail(socket, STATUS_OF_KIND[coded.kind], coded.message);
      this.logger.error({ err: error, sessionId: socket.id }, 'publishing from a client failed');
      return this.fail(socket, 500, 'Internal error');
    }
  }

  private fail(socket: Socket, code: number, message: string): { code: number; message: string } {
    socket.emit('error', { code, message });
    return { code, message };
  }

  private refuse(socket: Socket, code: number, message: string): void {
    socket.emit('error', { code, message });
    socket.disconnect(true);
  }
}

import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CaptureModule } from '../capture/capture.module.js';
import { PingController } from '../publishing/ping/ping.controller.js';
import { PublishChange } from '../publishing/publish-change/publish-change.js';
import { PublishController } from '../publishing/publish-change/publish.controller.js';
import { ChangeSocketGateway } from '../socket/change-socket.gateway.js';
import { SocketBroadcaster } from '../socket/socket-broadcaster.js';
import { ChangeFeed } from './change-feed.js';

/** Delivery to clients: the routing policy, per-viewer feeds, esink's socket.io protocol, /publish and /ping. */
@Module({
  imports: [CaptureModule, AuthModule],
  controllers: [PublishController, PingController],
  providers: [ChangeFeed, PublishChange, SocketBroadcaster, ChangeSocketGateway],
  exports: [ChangeFeed],
})
export class DeliveryModule {}

import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CaptureModule } from '../capture/capture.module.js';
import { PingController } from './ping/ping.controller.js';
import { PublishChangeHandler } from './publish-change/publish-change.handler.js';
import { PublishController } from './publish-change/publish.controller.js';

/** esink's HTTP API: POST /publish (also the socket.io `publish` message's handler) and GET /ping. */
@Module({
  imports: [CaptureModule, AuthModule],
  controllers: [PublishController, PingController],
  providers: [PublishChangeHandler],
})
export class PublishingModule {}

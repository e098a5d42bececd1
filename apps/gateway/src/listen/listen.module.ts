import { Module } from '@nestjs/common';
import { ListenController } from './listen-to-events/listen.controller.js';
import { ListenServer } from './listen-to-events/listen.server.js';
import { ReadListenPageHandler } from './listen-to-events/read-listen-page.handler.js';

/** `tributary listen`'s side: a tenant's live events over a WebSocket at /v1/listen. */
@Module({
  controllers: [ListenController],
  providers: [ListenServer, ReadListenPageHandler],
})
export class ListenModule {}

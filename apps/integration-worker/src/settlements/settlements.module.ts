import { Module } from '@nestjs/common';
import { SettleMessageController } from './settle-message/settle-message.controller.js';
import { SettleMessageHandler } from './settle-message/settle-message.handler.js';

/** Settling messages handlers left unsettled (`settleLater`) over HTTP, by their tokens, in the caller's tenant. */
@Module({
  controllers: [SettleMessageController],
  providers: [SettleMessageHandler],
})
export class SettlementsModule {}

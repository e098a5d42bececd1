import { Module } from '@nestjs/common';
import { DiscardDeadLettersController } from './discard-dead-letters/discard-dead-letters.controller.js';
import { DiscardDeadLettersHandler } from './discard-dead-letters/discard-dead-letters.handler.js';
import { RedriveDeadLettersController } from './redrive-dead-letters/redrive-dead-letters.controller.js';
import { RedriveDeadLettersHandler } from './redrive-dead-letters/redrive-dead-letters.handler.js';
import { DiscardDeadLetterController } from './discard-dead-letter/discard-dead-letter.controller.js';
import { DiscardDeadLetterHandler } from './discard-dead-letter/discard-dead-letter.handler.js';
import { GetDeadLetterController } from './get-dead-letter/get-dead-letter.controller.js';
import { GetDeadLetterHandler } from './get-dead-letter/get-dead-letter.handler.js';
import { ListDeadLettersController } from './list-dead-letters/list-dead-letters.controller.js';
import { ListDeadLettersHandler } from './list-dead-letters/list-dead-letters.handler.js';
import { RedriveDeadLetterController } from './redrive-dead-letter/redrive-dead-letter.controller.js';
import { RedriveDeadLetterHandler } from './redrive-dead-letter/redrive-dead-letter.handler.js';

/**
 * The dead-letter queue of every consumer group (both transports write to it), served by the worker:
 * the platform admin key sees all of it, a tenant key only its tenant's messages.
 */
@Module({
  controllers: [RedriveDeadLettersController, DiscardDeadLettersController, ListDeadLettersController, GetDeadLetterController, RedriveDeadLetterController, DiscardDeadLetterController],
  providers: [RedriveDeadLettersHandler, DiscardDeadLettersHandler, ListDeadLettersHandler, GetDeadLetterHandler, RedriveDeadLetterHandler, DiscardDeadLetterHandler],
})
export class DeadLettersModule {}

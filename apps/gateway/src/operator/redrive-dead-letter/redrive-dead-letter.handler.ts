import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TributaryError } from '@tributary/domain';
import { DeadLetterEntity, DeadLetterQueue, type Envelope } from '@tributary/messaging';
import { requirePlatformAdmin } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import type { RedriveResult } from '../operator.dto.js';
import { RedriveDeadLetter } from './redrive-dead-letter.command.js';

/**
 * Sends a dead letter back to the consumer group that gave it up (`DeadLetterQueue.redrive`, the same path as the
 * worker's API and `tributary dlq redrive`): it is retried from attempt 1, in order behind its key, and the dead
 * letter stays listed as `redriven`, then `resolved` — or `dead` again with its new error. The groups that handled
 * it are not involved.
 */
@CommandHandler(RedriveDeadLetter)
export class RedriveDeadLetterHandler implements ICommandHandler<RedriveDeadLetter> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ caller, id }: RedriveDeadLetter): Promise<RedriveResult> {
    requirePlatformAdmin(caller);
    if (!/^\d{1,18}$/.test(id)) throw new TributaryError('invalid', 'dead_letter_id_invalid', 'A dead letter id is a number');
    return this.dataSource.transaction(async (manager) => {
      // Locked until the redrive commits: two operators redriving it at once do it once.
      const row = await manager.findOne(DeadLetterEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw new TributaryError('not_found', 'dead_letter_not_found', `No dead letter ${id}`);
      const envelope = row.envelope as Partial<Envelope> | null;
      if (!envelope || typeof envelope.id !== 'string' || envelope.type !== row.topic) {
        throw new TributaryError('conflict', 'dead_letter_not_redrivable', `Dead letter ${id} holds no well-formed message to send again`);
      }
      await new DeadLetterQueue().redrive(manager, id);
      return { id, topic: row.topic, messageId: envelope.id };
    });
  }
}

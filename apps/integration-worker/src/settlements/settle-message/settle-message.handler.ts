import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { TributaryError } from '@tributary/domain';
import { DataSource } from 'typeorm';
import { inCallerScope, tenantScopeOf } from '../../caller-scope.js';
import { IntegrationRuntime } from '../../runtime/integration-runtime.js';
import { settlementTokenHash } from '../../runtime/settlement-book.js';
import type { SettleOutcome } from '../../sdk/integration-handler.js';
import { SettlementEntity } from '../../runtime/settlement.entity.js';
import type { SettlementBody } from '../settlement.dto.js';
import { SettleMessage } from './settle-message.command.js';

/**
 * Settles a message held unsettled: the token is looked up in the caller's scope (another tenant's
 * token is unknown: 404), then settled by the runtime in one transaction — the ack's output
 * published with the inbox claim, the run record ended, the message released (see `SettlementBook`).
 */
@CommandHandler(SettleMessage)
export class SettleMessageHandler implements ICommandHandler<SettleMessage> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly runtime: IntegrationRuntime,
  ) {}

  async execute({ caller, token, body }: SettleMessage): Promise<SettlementBody> {
    const hash = settlementTokenHash(token);
    const visible = hash !== undefined && (await inCallerScope(this.dataSource, caller, (db) => db.getRepository(SettlementEntity).existsBy({ tokenHash: hash })));
    if (!visible) throw new TributaryError('not_found', 'settlement_not_found', 'No such settlement token');
    return this.runtime.settle(tenantScopeOf(caller), token, outcomeOf(body));
  }
}

function outcomeOf({ outcome, output, reason }: SettleMessage['body']): SettleOutcome {
  if (outcome === 'ack') {
    if (reason !== undefined) throw new TributaryError('invalid', 'validation_failed', 'reason goes with nack or reject, not ack');
    return { outcome, output };
  }
  if (output !== undefined) throw new TributaryError('invalid', 'validation_failed', 'output goes with ack only');
  return { outcome, reason };
}

import { TributaryError } from '@tributary/domain';
import { DataSource, MoreThan, type EntityManager, type FindOptionsSelect, type FindOptionsWhere, type SelectQueryBuilder } from 'typeorm';
import { partitionKeyOf, type Envelope } from '../envelope/envelope.js';
import { DeadLetterEntity, type DeadLetterStatus } from './dead-letter.entity.js';
import { deferMessage } from './deferred-messages.js';

export interface DeadLetterSummary {
  readonly id: string;
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly messageId: string;
  readonly tenantId: string | null;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly attempts: number;
  readonly status: DeadLetterStatus;
  readonly redrives: number;
  readonly deadAt: string;
  readonly updatedAt: string;
}

export interface DeadLetterDetail extends DeadLetterSummary {
  /** The message exactly as it was received (it may be malformed or forged). */
  readonly envelope: unknown;
}

export interface DeadLetterFilter {
  readonly group?: string;
  readonly topic?: string;
  /** Only this tenant's dead letters (what a tenant key is limited to). */
  readonly tenantId?: string;
  /** Default: `dead`. */
  readonly status?: DeadLetterStatus;
  /** Cursor: ids greater than this one. */
  readonly after?: string;
  readonly limit?: number;
}

/** Which dead letters a bulk redrive or discard takes: only `dead` ones, of every group and topic unless narrowed. */
export interface DeadLetterSelection {
  readonly group?: string;
  readonly topic?: string;
  readonly errorCode?: string;
  /** Died at or after this instant. */
  readonly since?: Date;
  /** Died before this instant. */
  readonly until?: Date;
  /** Only this tenant's (what a tenant key is limited to). */
  readonly tenantId?: string;
}

/** The most dead letters one bulk batch locks and changes (one transaction). */
export const DEAD_LETTER_BATCH = 100;

/** Where the queue reads and writes: a transaction's manager (required to redrive or discard), or the data source. */
export type DeadLetterDatabase = EntityManager | DataSource;

/** Every column but the envelope (a list leaves it out: it can be large). */
const SUMMARY: FindOptionsSelect<DeadLetterEntity> = {
  id: true,
  groupId: true,
  topic: true,
  partition: true,
  offset: true,
  messageId: true,
  tenantId: true,
  key: true,
  errorCode: true,
  errorMessage: true,
  attempts: true,
  status: true,
  redrives: true,
  deadAt: true,
  updatedAt: true,
};

const toSummary = (d: DeadLetterEntity): DeadLetterSummary => ({
  id: String(d.id),
  group: d.groupId,
  topic: d.topic,
  partition: d.partition,
  offset: String(d.offset),
  messageId: d.messageId,
  tenantId: d.tenantId,
  errorCode: d.errorCode,
  errorMessage: d.errorMessage,
  attempts: d.attempts,
  status: d.status,
  redrives: d.redrives,
  deadAt: new Date(d.deadAt).toISOString(),
  updatedAt: new Date(d.updatedAt).toISOString(),
});

const notFound = () => new TributaryError('not_found', 'dead_letter_not_found', 'No such dead letter');
const ID = /^[1-9]\d{0,17}$/;

const managerOf = (db: DeadLetterDatabase): EntityManager => (db instanceof DataSource ? db.manager : db);

/**
 * The dead-letter queue both transports write to (`messaging.dead_letters`): list, show, redrive
 * (back into its group's durable retries, behind any message of its key waiting there) and discard.
 * The data source must register `DeadLetterEntity` (see `MESSAGING_ENTITIES`).
 */
export class DeadLetterQueue {
  async list(db: DeadLetterDatabase, filter: DeadLetterFilter = {}): Promise<DeadLetterSummary[]> {
    const where: FindOptionsWhere<DeadLetterEntity> = { status: filter.status ?? 'dead', id: MoreThan(filter.after ?? '0') };
    if (filter.group !== undefined) where.groupId = filter.group;
    if (filter.topic !== undefined) where.topic = filter.topic;
    if (filter.tenantId !== undefined) where.tenantId = filter.tenantId;
    const letters = await managerOf(db).find(DeadLetterEntity, { select: SUMMARY, where, order: { id: 'ASC' }, take: filter.limit ?? 100 });
    return letters.map(toSummary);
  }

  async get(db: DeadLetterDatabase, id: string, tenantId?: string): Promise<DeadLetterDetail> {
    const letter = await this.find(managerOf(db), id, tenantId, false);
    return { ...toSummary(letter), envelope: letter.envelope };
  }

  /**
   * Sends a dead letter back to its consumer group: it is retried from attempt 1 with the group's
   * (or its handler's) policy, in order behind its key's waiting messages. Run inside a transaction.
   */
  async redrive(manager: EntityManager, id: string, tenantId?: string): Promise<DeadLetterSummary> {
    const letter = await this.find(manager, id, tenantId, true);
    if (letter.status !== 'dead') {
      throw new TributaryError('conflict', 'dead_letter_not_dead', `Dead letter ${id} is ${letter.status}; only dead ones can be redriven`);
    }
    await this.deferAgain(manager, letter);
    return this.setStatus(manager, letter, 'redriven', letter.redrives + 1);
  }

  /** Gives a dead letter up; it stays listed under `discarded`. Run inside a transaction. */
  async discard(manager: EntityManager, id: string, tenantId?: string): Promise<DeadLetterSummary> {
    const letter = await this.find(manager, id, tenantId, true);
    if (letter.status !== 'dead') {
      throw new TributaryError('conflict', 'dead_letter_not_dead', `Dead letter ${id} is ${letter.status}; only dead ones can be discarded`);
    }
    return this.setStatus(manager, letter, 'discarded', letter.redrives);
  }

  /** How many dead letters a selection matches now. */
  count(db: DeadLetterDatabase, selection: DeadLetterSelection): Promise<number> {
    return this.selected(managerOf(db), selection).getCount();
  }

  /** The first `limit` dead letters of a selection, oldest first (a dry run's sample). */
  async sample(db: DeadLetterDatabase, selection: DeadLetterSelection, limit: number): Promise<DeadLetterSummary[]> {
    const letters = await this.selected(managerOf(db), selection).orderBy('d.id', 'ASC').limit(limit).getMany();
    return letters.map(toSummary);
  }

  /**
   * Redrives (or discards) up to `limit` (at most DEAD_LETTER_BATCH) dead letters of a selection, oldest first: they
   * are locked, skipping those another bulk call holds, so that concurrent calls share the work. Run inside a
   * transaction; a letter redriven is no longer `dead`, so the next batch (or a second call) does not find it again.
   */
  async applyBatch(manager: EntityManager, selection: DeadLetterSelection, action: 'redrive' | 'discard', limit = DEAD_LETTER_BATCH): Promise<DeadLetterSummary[]> {
    const letters = await this.selected(manager, selection)
      .orderBy('d.id', 'ASC')
      .limit(Math.min(limit, DEAD_LETTER_BATCH))
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
    const done: DeadLetterSummary[] = [];
    for (const letter of letters) {
      if (action === 'redrive') {
        await this.deferAgain(manager, letter);
        done.push(await this.setStatus(manager, letter, 'redriven', letter.redrives + 1));
      } else {
        done.push(await this.setStatus(manager, letter, 'discarded', letter.redrives));
      }
    }
    return done;
  }

  private selected(manager: EntityManager, selection: DeadLetterSelection): SelectQueryBuilder<DeadLetterEntity> {
    const query = manager.createQueryBuilder(DeadLetterEntity, 'd').where('d.status = :status', { status: 'dead' });
    if (selection.group !== undefined) query.andWhere('d.group_id = :group', { group: selection.group });
    if (selection.topic !== undefined) query.andWhere('d.topic = :topic', { topic: selection.topic });
    if (selection.errorCode !== undefined) query.andWhere('d.error_code = :errorCode', { errorCode: selection.errorCode });
    if (selection.since !== undefined) query.andWhere('d.dead_at >= :since', { since: selection.since });
    if (selection.until !== undefined) query.andWhere('d.dead_at < :until', { until: selection.until });
    if (selection.tenantId !== undefined) query.andWhere('d.tenant_id = :tenantId', { tenantId: selection.tenantId });
    return query;
  }

  private deferAgain(manager: EntityManager, letter: DeadLetterEntity): Promise<void> {
    return deferMessage(
      manager,
      letter.groupId,
      {
        topic: letter.topic,
        partition: letter.partition,
        offset: letter.offset,
        key: letter.key ?? keyOf(letter.envelope),
        messageId: letter.messageId,
        tenantId: letter.tenantId,
        envelope: letter.envelope,
      },
      { attempts: 0, dueInMs: 0, deadLetterId: String(letter.id) },
    );
  }

  /** The letter is locked (`find` with `lock`): its other columns cannot have changed since it was read. */
  private async setStatus(manager: EntityManager, letter: DeadLetterEntity, status: DeadLetterStatus, redrives: number): Promise<DeadLetterSummary> {
    const { raw } = await manager
      .createQueryBuilder()
      .update(DeadLetterEntity)
      .set({ status, redrives, updatedAt: () => 'now()' })
      .where({ id: letter.id })
      .returning(['updatedAt'])
      .execute();
    const [{ updated_at: updatedAt }] = raw as Array<{ updated_at: Date }>;
    return toSummary({ ...letter, status, redrives, updatedAt });
  }

  /** `lock`: the row stays locked until the caller's transaction ends (a redrive or discard decides on it). */
  private async find(manager: EntityManager, id: string, tenantId: string | undefined, lock: boolean): Promise<DeadLetterEntity> {
    if (!ID.test(id)) throw notFound();
    const where: FindOptionsWhere<DeadLetterEntity> = tenantId === undefined ? { id } : { id, tenantId };
    const letter = await manager.findOne(DeadLetterEntity, { where, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!letter) throw notFound();
    return letter;
  }
}

function keyOf(envelope: unknown): string {
  const e = (envelope ?? {}) as Partial<Envelope>;
  return partitionKeyOf({ tenantid: String(e.tenantid ?? ''), subject: String(e.subject ?? '') });
}

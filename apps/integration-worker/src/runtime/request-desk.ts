import { createHash } from 'node:crypto';
import { TributaryError } from '@tributary/domain';
import { type MessagePublisher, NonRetryable, Wakeup, type Envelope } from '@tributary/messaging';
import { isTopicName, parsePayload, topicByName, type TopicDefinition } from '@tributary/topics';
import type { DataSource } from 'typeorm';

/** What a run's `request` knows of itself. */
export interface Requester {
  readonly tenantId: string;
  readonly consumer: string;
  readonly idempotencyKey: string;
  /** The message the run handles: the request's cause (its correlation id is kept). */
  readonly envelope: Envelope;
}

const POLL_MS = 250;

/**
 * Request/reply between integrations (docs/integrations.md, "Request/reply"): sends a run's request
 * once per id (claimed in `worker.requests` in the append's own statement), records the replies the
 * worker consumes (`inreplyto`, first reply wins, by tenant) in `worker.replies`, and lets a run wait
 * for its reply — woken at once by a reply this process records, otherwise looking again every
 * 250 ms (a reply another replica recorded).
 */
export class RequestDesk {
  private readonly waiting = new Map<string, Wakeup>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: MessagePublisher,
  ) {}

  /** The id of a run's request named `name`: the same on every attempt of the run (a UUID of version 8). */
  static requestId(idempotencyKey: string, name: string): string {
    const bytes = createHash('sha256').update(`${idempotencyKey}|request|${name}`).digest().subarray(0, 16);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** Sends the request unless an earlier attempt did (same id), then waits for its reply. */
  async request<R extends object>(
    requester: Requester,
    topic: TopicDefinition,
    payload: object,
    replyTopic: TopicDefinition<R>,
    name: string,
    timeoutMs: number,
  ): Promise<R> {
    const id = RequestDesk.requestId(requester.idempotencyKey, name);
    const data = parsePayload(topic, payload);
    await this.publisher.publishClaimed(
      this.dataSource,
      [{ topic, data, origin: { id, tenantId: requester.tenantId, cause: requester.envelope, queue: { replyTo: replyTopic.name } } }],
      {
        // SQL: the request's claim, in the append's own statement (see AppendClaim)
        sql: `INSERT INTO worker.requests (id, tenant_id, consumer, topic, reply_topic) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING RETURNING id`,
        parameters: [id, requester.tenantId, requester.consumer, topic.name, replyTopic.name],
      },
    );
    return this.reply(requester.tenantId, id, replyTopic, timeoutMs);
  }

  /** The reply to request `id` of `tenantId`, waited for up to `timeoutMs`; a retryable `request_timeout` after. */
  private async reply<R extends object>(tenantId: string, id: string, replyTopic: TopicDefinition<R>, timeoutMs: number): Promise<R> {
    const key = `${tenantId}|${id}`;
    const wakeup = this.waiting.get(key) ?? new Wakeup();
    this.waiting.set(key, wakeup);
    const until = Date.now() + timeoutMs;
    try {
      for (;;) {
        // SQL: hot path, a waiting request's look for its reply (by primary key)
        const [row] = await this.dataSource.query<{ envelope: Envelope }[]>(
          `SELECT envelope FROM worker.replies WHERE tenant_id = $1 AND in_reply_to = $2`,
          [tenantId, id],
        );
        if (row) {
          try {
            return parsePayload(replyTopic, row.envelope.data);
          } catch (error) {
            throw new NonRetryable('reply_invalid', `The reply to request ${id} does not fit ${replyTopic.name}: ${(error as Error).message}`);
          }
        }
        const left = until - Date.now();
        if (left <= 0) break;
        await wakeup.wait(Math.min(POLL_MS, left));
      }
    } finally {
      this.waiting.delete(key);
    }
    throw new TributaryError('unavailable', 'request_timeout', `No reply on ${replyTopic.name} to request ${id} within ${timeoutMs} ms`, { requestId: id });
  }

  /**
   * Records the replies among `envelopes` (those with `inreplyto` on one of `replyTopics`): the first
   * per tenant and request, idempotently; a run of this process waiting for one is woken.
   */
  async record(envelopes: readonly Envelope[], replyTopics: ReadonlySet<string>): Promise<void> {
    const replies = envelopes.filter((e) => typeof e.inreplyto === 'string' && replyTopics.has(e.type));
    if (replies.length === 0) return;
    // SQL: hot path, a batch of replies in one statement (jsonb_to_recordset, ON CONFLICT DO NOTHING)
    await this.dataSource.query(
      `INSERT INTO worker.replies (tenant_id, in_reply_to, message_id, topic, envelope)
       SELECT tenant_id, in_reply_to, message_id, topic, envelope
         FROM jsonb_to_recordset($1::jsonb) AS r(tenant_id uuid, in_reply_to uuid, message_id uuid, topic text, envelope jsonb)
       ON CONFLICT (tenant_id, in_reply_to) DO NOTHING`,
      [JSON.stringify(replies.filter((e) => UUID.test(e.inreplyto!)).map((e) => ({ tenant_id: e.tenantid, in_reply_to: e.inreplyto, message_id: e.id, topic: e.type, envelope: e })))],
    );
    for (const e of replies) this.waiting.get(`${e.tenantid}|${e.inreplyto}`)?.signal();
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The topic a request's `replyto` names, or a NonRetryable `reply_topic_unknown`. */
export function replyTopicOf(name: string): TopicDefinition {
  if (!isTopicName(name)) throw new NonRetryable('reply_topic_unknown', `The request's reply-to names no topic: "${name.slice(0, 100)}"`);
  return topicByName(name);
}

/** An output as the reply topic takes it, or a NonRetryable `reply_invalid`. */
export function replyPayload(topic: TopicDefinition, output: object): object {
  try {
    return parsePayload(topic, output);
  } catch (error) {
    throw new NonRetryable('reply_invalid', `The output does not fit the reply topic ${topic.name}: ${(error as Error).message}`);
  }
}

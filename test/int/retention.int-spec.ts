import { MessageLogRetention } from '@tributary/messaging';
import { eventually } from '@tributary/testing';
import { Topics } from '@tributary/topics';
import { QueueRecordRetention } from '../../apps/integration-worker/src/runtime/queue-record-retention.js';
import { RunRetention } from '../../apps/integration-worker/src/runtime/run-retention.js';
import { startWorker, type RunningWorker } from '../support/worker-fixture.js';

const TOPIC = Topics.carrierUpdateReceived.name;
const LAGGARD = 'retention-laggard';

/**
 * Retention of the message log and of the worker's run history, in the worker as it runs (its
 * sweeps run once a minute; the test calls one sweep at a time). Age is set by moving timestamps back.
 */
describe('retention', () => {
  let worker: RunningWorker;
  let tenant: { id: string; apiKey: string };

  beforeAll(async () => {
    worker = await startWorker({ MESSAGE_RETENTION_SECONDS: '3600', RUN_RETENTION_SECONDS: '3600' });
    tenant = await worker.tenant('acme');
  });

  afterAll(async () => {
    await worker?.stop();
  });

  const messageIds = async (): Promise<string[]> =>
    (await worker.dataSource.query(`SELECT message_id FROM messaging.messages WHERE topic = $1`, [TOPIC])).map((r: { message_id: string }) => r.message_id);
  const committedEverywhere = async (): Promise<boolean> => {
    const [{ behind }] = await worker.dataSource.query(
      `SELECT count(*)::int AS behind FROM messaging.group_partitions g JOIN messaging.topic_partitions p USING (topic, partition)
        WHERE g.group_id = 'integration-worker' AND g.topic = $1 AND g.committed_offset < p.next_offset`,
      [TOPIC],
    );
    return behind === 0;
  };
  const publishUpdates = async (prefix: string, count: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const update = { trackingId: `${prefix}-${i}`, carrier: 'DHL', status: 'In Transit', occurredAt: '2026-11-20T10:00:00Z' };
      ids.push((await worker.publish(Topics.carrierUpdateReceived, update, tenant.id)).id);
    }
    return ids;
  };

  it('deletes old messages only once every group reading their partition has committed past them', async () => {
    const old = await publishUpdates('OLD', 4);
    await eventually(committedEverywhere, Boolean, { timeoutMs: 30_000 });
    // A second group on the same partitions that has read nothing yet.
    await worker.dataSource.query(
      `INSERT INTO messaging.group_partitions (group_id, topic, partition) SELECT $1, topic, partition FROM messaging.topic_partitions WHERE topic = $2`,
      [LAGGARD, TOPIC],
    );
    await worker.dataSource.query(`UPDATE messaging.messages SET appended_at = now() - interval '2 hours' WHERE message_id = ANY($1::uuid[])`, [old]);
    const young = await publishUpdates('YOUNG', 2);
    await eventually(committedEverywhere, Boolean, { timeoutMs: 30_000 });

    const retention = worker.app.get(MessageLogRetention);
    expect(await retention.sweep()).toBe(0);
    expect((await messageIds()).sort()).toEqual([...old, ...young].sort());

    // The laggard catches up: the old messages go, the young ones stay (younger than the retention).
    await worker.dataSource.query(
      `UPDATE messaging.group_partitions g SET committed_offset = p.next_offset FROM messaging.topic_partitions p
        WHERE g.group_id = $1 AND p.topic = g.topic AND p.partition = g.partition`,
      [LAGGARD],
    );
    expect(await retention.sweep()).toBe(old.length);
    expect((await messageIds()).sort()).toEqual([...young].sort());
  });

  it('stops waiting for a group unseen for a week (a removed queue), not for one seen within it', async () => {
    await worker.dataSource.query(`DELETE FROM messaging.group_partitions WHERE group_id = $1`, [LAGGARD]);
    const old = await publishUpdates('ABANDONED', 3);
    await eventually(committedEverywhere, Boolean, { timeoutMs: 30_000 });
    // A group that read nothing, as a named queue removed from the code leaves behind.
    await worker.dataSource.query(
      `INSERT INTO messaging.group_partitions (group_id, topic, partition) SELECT $1, topic, partition FROM messaging.topic_partitions WHERE topic = $2`,
      [`${LAGGARD}-gone`, TOPIC],
    );
    await worker.dataSource.query(`UPDATE messaging.messages SET appended_at = now() - interval '2 hours' WHERE message_id = ANY($1::uuid[])`, [old]);
    const retention = worker.app.get(MessageLogRetention);
    // Seen six days ago: it may come back, its messages wait for it.
    await worker.dataSource.query(`UPDATE messaging.group_partitions SET seen_at = now() - interval '6 days' WHERE group_id = $1`, [`${LAGGARD}-gone`]);
    expect(await retention.sweep()).toBe(0);
    expect(await messageIds()).toEqual(expect.arrayContaining(old));
    // Unseen for eight days: it no longer holds the log back.
    await worker.dataSource.query(`UPDATE messaging.group_partitions SET seen_at = now() - interval '8 days' WHERE group_id = $1`, [`${LAGGARD}-gone`]);
    expect(await retention.sweep()).toBe(old.length);
    expect(await messageIds()).toEqual(expect.not.arrayContaining([old[0]]));
    await worker.dataSource.query(`DELETE FROM messaging.group_partitions WHERE group_id = $1`, [`${LAGGARD}-gone`]);
  });

  it('keeps messages of a partition no group reads', async () => {
    await worker.dataSource.query(`DELETE FROM messaging.group_partitions WHERE topic = $1`, [TOPIC]);
    await worker.dataSource.query(`UPDATE messaging.messages SET appended_at = now() - interval '2 hours' WHERE topic = $1`, [TOPIC]);
    const before = await messageIds();
    expect(before.length).toBeGreaterThan(0);
    expect(await worker.app.get(MessageLogRetention).sweep()).toBe(0);
    expect((await messageIds()).sort()).toEqual(before.sort());
  });

  it('deletes runs older than the run retention, and keeps the others', async () => {
    const runs = await worker.call(tenant.apiKey, 'GET', '/v1/runs');
    expect(runs.status).toBe(200);
    const ids = (await worker.dataSource.query(`SELECT id FROM worker.runs WHERE tenant_id = $1 ORDER BY started_at`, [tenant.id])).map((r: { id: string }) => r.id);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    const [aged, ...kept] = ids;
    await worker.dataSource.query(`UPDATE worker.runs SET started_at = now() - interval '2 hours' WHERE id = $1`, [aged]);

    expect(await worker.app.get(RunRetention).sweep()).toBe(1);
    const left = (await worker.dataSource.query(`SELECT id FROM worker.runs WHERE tenant_id = $1`, [tenant.id])).map((r: { id: string }) => r.id);
    expect(left.sort()).toEqual(kept.sort());
    expect((await worker.call(tenant.apiKey, 'GET', `/v1/runs/${aged}`)).status).toBe(404);
  });

  it("deletes requests, replies and settled settlements older than the run retention; a pending settlement stays", async () => {
    const db = worker.dataSource;
    const request = async (id: string, age: string) =>
      db.query(`INSERT INTO worker.requests (id, tenant_id, consumer, topic, reply_topic, requested_at) VALUES ($1, $2, 'asker.ask', 't', 'r', now() - $3::interval)`, [id, tenant.id, age]);
    const reply = async (inReplyTo: string, age: string) =>
      db.query(
        `INSERT INTO worker.replies (tenant_id, in_reply_to, message_id, topic, envelope, received_at) VALUES ($1, $2, gen_random_uuid(), 'r', '{}', now() - $3::interval)`,
        [tenant.id, inReplyTo, age],
      );
    const settlement = async (hash: string, state: string, age: string) =>
      db.query(
        `INSERT INTO worker.settlements (token_hash, tenant_id, group_id, consumer, integration, method, run_id, message_id, topic, partition, "offset", key, envelope,
                                         attempt, deadline, state, created_at, settled_at)
         VALUES ($1, $2, 'integration-worker', 'holder.hold', 'holder', 'hold', gen_random_uuid(), gen_random_uuid(), 't', 0, 1, 'k', '{}',
                 1, now() + interval '1 day', $3, now() - $4::interval, CASE WHEN $3 = 'pending' THEN NULL ELSE now() - $4::interval END)`,
        [hash, tenant.id, state, age],
      );
    const [oldRequest, newRequest] = ['00000000-0000-8000-8000-00000000a001', '00000000-0000-8000-8000-00000000a002'];
    await request(oldRequest, '2 hours');
    await request(newRequest, '1 minute');
    await reply(oldRequest, '2 hours');
    await reply(newRequest, '1 minute');
    await settlement('old-acked', 'acked', '2 hours');
    await settlement('old-lapsed', 'lapsed', '2 hours');
    await settlement('old-pending', 'pending', '2 hours');
    await settlement('new-acked', 'acked', '1 minute');

    await worker.app.get(QueueRecordRetention).sweep();
    const left = async (sql: string) => (await db.query(sql, [tenant.id])).map((r: { id: string }) => r.id).sort();
    expect(await left(`SELECT id FROM worker.requests WHERE tenant_id = $1`)).toEqual([newRequest]);
    expect(await left(`SELECT in_reply_to AS id FROM worker.replies WHERE tenant_id = $1`)).toEqual([newRequest]);
    expect(await left(`SELECT token_hash AS id FROM worker.settlements WHERE tenant_id = $1`)).toEqual(['new-acked', 'old-pending']);
  });
});

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { freePort, type Queryable } from '@tributary/database';
import { MessagePublisher, MessageSigner, PostgresMessageLog, type OutgoingMessage } from '@tributary/messaging';
import { ApiKeys, Tenants } from '@tributary/tenancy';
import { ChaosSchedule, createTestDatabase, eventually, type TestDatabase } from '@tributary/testing';
import { Topics, type PackageStateChanged } from '@tributary/topics';
import { AppProcess } from '../support/app-process.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';

const TRANSITIONS = 20;
const STATES = ['pre_transit', 'in_transit', 'out_for_delivery', 'delivered'] as const;

/**
 * The worker as its own process, killed with SIGKILL while a batch is in hand — at a mail drawn from
 * the chaos seed (CHAOS_SEED replays it; the schedule is printed on failure): its messages consumed
 * (their mails on their way) but the batch not committed — shown from the message log: every mail went
 * out for a message at or past the group's committed offset. After a restart every transition is
 * notified: none missing, one `notification.sent` each; the one mail in flight at the kill (its
 * outcome unknown) is sent again with its Message-ID, and no other is.
 */
describe('kill -9 of the worker in the middle of a batch', () => {
  let db: TestDatabase;
  let sql: pg.Client;
  let smtp: SmtpSink;
  let worker: AppProcess;
  let port: number;
  let env: Record<string, string>;

  const q: Queryable = { query: async (text, params) => (await sql.query(text, params as unknown[])).rows };
  const signingKey = randomBytes(32).toString('base64');
  const publisher = new MessagePublisher('e2e', new MessageSigner({ active: { id: 'k1', secret: signingKey } }), new PostgresMessageLog(8));
  const start = async () => {
    worker = new AppProcess('integration-worker', port, env);
    await worker.start();
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    smtp = await startSmtpSink();
    port = await freePort();
    env = {
      DATABASE_URL: db.url,
      TRIBUTARY_SIGNING_KEY_ID: 'k1',
      TRIBUTARY_SIGNING_KEY: signingKey,
      TRIBUTARY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      SMTP_URL: smtp.url,
      CONSUMER_POLL_MS: '100',
    };
    await start();
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  });

  afterAll(async () => {
    await worker?.stop();
    await sql?.end();
    await smtp?.stop();
    await db?.drop();
  });

  it('loses no notification and repeats only the one in flight', async () => {
    const chaos = new ChaosSchedule('batch-crash: the worker killed at a mail of a batch');
    await chaos.run(async () => {
      const tenant = await new Tenants(new ApiKeys()).create(q, 'acme');
      const recipient = await fetch(`${worker.url}/v1/tracking/packages/PKG-B/recipient`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${tenant.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'bo@example.com', language: 'en', consent: true }),
      });
      expect(recipient.status).toBe(200);

      // A seeded mail of the batch kills the worker before the server answers it: the batch's first mails are out, nothing of it is committed.
      const killAt = chaos.int(1, 15);
      let committedAtKill: Map<number, number> | undefined;
      smtp.onMail = async () => {
        if (smtp.mails.length !== killAt || committedAtKill !== undefined) return;
        await worker.kill();
        chaos.note(`killed the worker at mail ${killAt}, before answering it`);
        const rows = (
          await sql.query(`SELECT partition, committed_offset FROM messaging.group_partitions WHERE group_id = 'integration-worker' AND topic = $1`, [
            Topics.packageStateChanged.name,
          ])
        ).rows;
        committedAtKill = new Map(rows.map((r) => [Number(r.partition), Number(r.committed_offset)]));
      };
      const transitions: OutgoingMessage[] = Array.from({ length: TRANSITIONS }, (_, i) => ({
        topic: Topics.packageStateChanged,
        data: {
          trackingId: 'PKG-B',
          carrier: 'dhl',
          occurredAt: new Date(Date.UTC(2026, 11, 6, 8, i)).toISOString(),
          ...(i > 0 ? { from: STATES[(i - 1) % STATES.length] } : {}),
          to: STATES[i % STATES.length],
          version: i + 1,
          carrierStatus: `scan ${i + 1}`,
        } satisfies PackageStateChanged,
        origin: { tenantId: tenant.id },
      }));
      // One append: the worker reads the twenty transitions as one batch.
      await sql.query('BEGIN');
      const envelopes = await publisher.publishAll(q, transitions);
      await sql.query('COMMIT');
      const placed = (await sql.query(`SELECT partition, "offset" FROM messaging.messages WHERE message_id = ANY($1::uuid[]) ORDER BY "offset"`, [envelopes.map((e) => e.id)])).rows;
      await eventually(async () => committedAtKill, (c) => c !== undefined, { timeoutMs: 60_000 });

      // The kill landed mid-batch: every mail out was for a message at or past the group's committed offset
      // (a mail's transition read from the effect journal's intent, which records its Message-ID).
      const intents = (await sql.query(`SELECT key, identity FROM worker.effects WHERE tenant_id = $1`, [tenant.id])).rows;
      const versionOf = new Map<string, number>(intents.map((r) => [r.identity, Number(String(r.key).split(':').at(-1))]));
      const committed = committedAtKill!.get(Number(placed[0].partition)) ?? 0;
      const inFlight = smtp.mails.filter((m) => Number(placed[(versionOf.get(m.messageId) ?? 0) - 1]?.offset ?? -1) >= committed);
      chaos.note(
        `at the kill: committed offset ${committed}, batch at offsets ${placed[0].offset}-${placed.at(-1)!.offset}, ${smtp.mails.length} mails out, ` +
          `${inFlight.length} of them for uncommitted messages (versions ${inFlight.map((m) => versionOf.get(m.messageId)).join(', ')})`,
      );
      expect(smtp.mails).toHaveLength(killAt);
      expect(inFlight).toHaveLength(killAt);
      const unanswered = versionOf.get(smtp.mails[killAt - 1].messageId);

      await start();
      chaos.note('worker started again');
      const sent = await eventually(
        async () =>
          (await sql.query(`SELECT envelope FROM messaging.messages WHERE topic = $1 AND envelope->>'tenantid' = $2`, [Topics.notificationSent.name, tenant.id]))
            .rows,
        (rows) => rows.length >= TRANSITIONS,
        { timeoutMs: 90_000, intervalMs: 250 },
      );
      // One notification.sent per transition, one mail per transition — and the unanswered one's again: its outcome was
      // unknown at the kill, so it went out a second time, under the same Message-ID, and says so.
      expect(sent.map((r) => r.envelope.data.version).sort((a: number, b: number) => a - b)).toEqual(Array.from({ length: TRANSITIONS }, (_, i) => i + 1));
      expect(sent.filter((r) => r.envelope.data.repeated).map((r) => r.envelope.data.version)).toEqual([unanswered]);
      expect(smtp.mails).toHaveLength(TRANSITIONS + 1);
      expect(new Set(smtp.mails.map((m) => m.messageId)).size).toBe(TRANSITIONS);
      expect(smtp.mails.filter((m) => m.messageId === smtp.mails[killAt - 1].messageId)).toHaveLength(2);
    });
  });
});

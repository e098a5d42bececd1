// The raw pipeline (see pipeline-baseline.ts): one or all of its four stages in this process.
//
// Per webhook, durably, on plain `pg` with multi-row statements per batch:
//   ingress  receipt + log message                      (one statement per batch of ≤ 256, like the gateway's)
//   worker   inbox claim, run record, package state row, notification journal + mailbox row, log message
//            for the store                              (one transaction per batch of ≤ 100, like a consumer's)
//   store    inbox claim, event row, projection upsert, change row
//                                                       (one transaction per batch of ≤ 100)
//   sink     reads change rows (≤ 500 at a time, like the change-sink) and pushes each to the subscriber
// Each stage commits its checkpoint with its writes, and wakes the next one after the commit.
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { WebSocketServer, type WebSocket } from 'ws';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '@tributary/database';
import type { RawConfig } from './pipeline-baseline.js';

const config = JSON.parse(process.argv[2]) as RawConfig;

/** The framework's bounds: the gateway's ingest batch, a consumer's batch, the change-sink's read. */
const INGEST_BATCH = 256;
const CONSUMER_BATCH = 100;
const SINK_BATCH = 500;
/** The framework's safety-net poll (CONSUMER_POLL_MS, CHANGE_POLL_MS). */
const POLL_MS = 250;
const TOLERANCE_SECONDS = 300;

const CHANNEL = { carrier: 'raw_pipeline_carrier', package: 'raw_pipeline_package', changes: 'raw_pipeline_changes' } as const;
type Channel = (typeof CHANNEL)[keyof typeof CHANNEL];

const SCHEMA = `
  DROP SCHEMA IF EXISTS raw_pipeline CASCADE;
  CREATE SCHEMA raw_pipeline;
  CREATE TABLE raw_pipeline.receipts (
    webhook_id uuid NOT NULL, message_id text NOT NULL, event_id uuid NOT NULL, received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (webhook_id, message_id));
  CREATE TABLE raw_pipeline.messages (
    "offset" bigserial PRIMARY KEY, topic text NOT NULL, message_id uuid NOT NULL, key text NOT NULL, envelope jsonb NOT NULL,
    appended_at timestamptz NOT NULL DEFAULT now());
  CREATE INDEX messages_by_topic ON raw_pipeline.messages (topic, "offset");
  CREATE TABLE raw_pipeline.checkpoints (consumer text PRIMARY KEY, position bigint NOT NULL DEFAULT 0);
  INSERT INTO raw_pipeline.checkpoints (consumer) VALUES ('worker'), ('store');
  CREATE TABLE raw_pipeline.inbox (consumer text NOT NULL, message_id uuid NOT NULL, handled_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, message_id));
  CREATE TABLE raw_pipeline.runs (
    id uuid PRIMARY KEY, tenant_id uuid NOT NULL, method text NOT NULL, message_id uuid NOT NULL, state text NOT NULL,
    skip_reason text, started_at timestamptz NOT NULL DEFAULT now(), finished_at timestamptz NOT NULL DEFAULT now(), duration_ms int NOT NULL);
  CREATE INDEX runs_by_tenant ON raw_pipeline.runs (tenant_id, started_at DESC);
  CREATE TABLE raw_pipeline.packages (
    tenant_id uuid NOT NULL, tracking_id text NOT NULL, carrier text NOT NULL, status text NOT NULL, status_at timestamptz NOT NULL,
    version int NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (tenant_id, tracking_id));
  CREATE TABLE raw_pipeline.recipients (
    tenant_id uuid NOT NULL, tracking_id text NOT NULL, email text NOT NULL, language text NOT NULL, consent boolean NOT NULL,
    PRIMARY KEY (tenant_id, tracking_id));
  CREATE TABLE raw_pipeline.opt_outs (tenant_id uuid NOT NULL, email text NOT NULL, PRIMARY KEY (tenant_id, email));
  CREATE TABLE raw_pipeline.notifications (
    tenant_id uuid NOT NULL, tracking_id text NOT NULL, version int NOT NULL, message_id text NOT NULL, sent_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, tracking_id, version));
  CREATE TABLE raw_pipeline.mailbox (
    id uuid PRIMARY KEY, tenant_id uuid NOT NULL, message_id text NOT NULL, recipient text NOT NULL, subject text NOT NULL, body text NOT NULL,
    tracking_id text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), UNIQUE (tenant_id, message_id));
  CREATE TABLE raw_pipeline.events (
    position bigserial PRIMARY KEY, event_id uuid NOT NULL UNIQUE, tenant_id uuid NOT NULL, stream_id text NOT NULL, type text NOT NULL,
    data jsonb NOT NULL, occurred_at timestamptz NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now());
  CREATE INDEX events_by_stream ON raw_pipeline.events (tenant_id, stream_id, position);
  CREATE TABLE raw_pipeline.package_status (
    tenant_id uuid NOT NULL, tracking_id text NOT NULL, status text NOT NULL, carrier text NOT NULL, carrier_status text NOT NULL,
    updated_at timestamptz NOT NULL, last_event_id uuid NOT NULL, last_position bigint NOT NULL, PRIMARY KEY (tenant_id, tracking_id));
  CREATE TABLE raw_pipeline.changes (
    id bigserial PRIMARY KEY, tenant_id uuid NOT NULL, table_name text NOT NULL, op text NOT NULL, row jsonb NOT NULL,
    changed_at timestamptz NOT NULL DEFAULT now());
`;

interface Envelope<T> {
  readonly id: string;
  readonly type: string;
  readonly tenantid: string;
  readonly subject: string;
  readonly time: string;
  readonly data: T;
}
interface CarrierUpdate {
  readonly trackingId: string;
  readonly carrier: string;
  readonly status: string;
  readonly occurredAt: string;
}
interface PackageUpdate {
  readonly trackingId: string;
  readonly carrier: string;
  readonly status: string;
  readonly carrierStatus: string;
  readonly occurredAt: string;
}

// ---------------------------------------------------------------- wake-ups

/** A stage's wake-up: a signal sets it (even while no one waits), waiting clears it. */
class Wakeup {
  private pending = false;
  private resolve?: () => void;
  signal(): void {
    this.pending = true;
    this.resolve?.();
  }
  clear(): void {
    this.pending = false;
  }
  wait(ms: number): Promise<void> {
    if (this.pending) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.resolve = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.resolve = done;
    });
  }
}
const wakeups = new Map<Channel, Wakeup>();
const wakeupOf = (channel: Channel) => wakeups.get(channel) ?? (wakeups.set(channel, new Wakeup()), wakeups.get(channel)!);
/** After a commit: in-process stages at once; other processes' through the statement's pg_notify (delivered at commit). */
const signal = (channel: Channel) => wakeupOf(channel).signal();
const notifySql = (channel: Channel) => (config.notify ? `, pg_notify('${channel}', '')` : '');

let stopping = false;
const clients: pg.Client[] = [];

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  clients.push(client);
  return client;
}

async function listen(url: string, channels: readonly Channel[]): Promise<void> {
  if (!config.notify || channels.length === 0) return;
  const client = await connect(url);
  client.on('notification', (n) => wakeupOf(n.channel as Channel).signal());
  for (const channel of channels) await client.query(`LISTEN ${channel}`);
}

// ---------------------------------------------------------------- ingress

interface Pending {
  readonly messageId: string;
  readonly update: CarrierUpdate;
  resolve(eventId: string): void;
  reject(error: unknown): void;
}

async function startIngress(db: pg.Client): Promise<number> {
  const key = Buffer.from(config.secret.replace(/^whsec_/, ''), 'base64');
  const path = `/webhooks/${config.webhookId}`;
  let queue: Pending[] = [];
  let flushing = false;

  // While one batch commits, the next gathers: one statement (receipts claimed, messages appended) per batch.
  const drain = async () => {
    flushing = true;
    while (queue.length > 0) {
      const batch = queue.slice(0, INGEST_BATCH);
      queue = queue.slice(batch.length);
      const eventIds = batch.map(() => randomUUID());
      const now = new Date().toISOString();
      const envelopes = batch.map((p, i) => ({
        specversion: '1.0',
        id: eventIds[i],
        type: 'tracking.carrier-update.received',
        source: 'raw-ingress',
        tenantid: config.tenantId,
        subject: p.update.trackingId,
        time: now,
        data: p.update,
      }));
      try {
        await db.query(
          `WITH claimed AS (
             INSERT INTO raw_pipeline.receipts (webhook_id, message_id, event_id)
             SELECT $1::uuid, m, e FROM unnest($2::text[], $3::uuid[]) AS k(m, e)
             ON CONFLICT DO NOTHING RETURNING event_id
           ), added AS (
             INSERT INTO raw_pipeline.messages (topic, message_id, key, envelope)
             SELECT 'carrier', m.id, m.key, m.envelope
               FROM ROWS FROM (unnest($3::uuid[]), unnest($4::text[]), jsonb_array_elements($5::jsonb)) AS m(id, key, envelope)
              WHERE m.id IN (SELECT event_id FROM claimed)
             RETURNING 1
           ) SELECT count(*) AS n${notifySql(CHANNEL.carrier)} FROM added`,
          [config.webhookId, batch.map((p) => p.messageId), eventIds, batch.map((p) => `${config.tenantId}:${p.update.trackingId}`), JSON.stringify(envelopes)],
        );
        signal(CHANNEL.carrier);
        batch.forEach((p, i) => p.resolve(eventIds[i]));
      } catch (error) {
        batch.forEach((p) => p.reject(error));
      }
    }
    flushing = false;
  };

  const answer = (res: ServerResponse, status: number, body: object) => {
    const json = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  };

  const receive = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const id = req.headers['webhook-id'];
    const timestamp = Number(req.headers['webhook-timestamp']);
    const signatures = req.headers['webhook-signature'];
    if (typeof id !== 'string' || typeof signatures !== 'string' || !(Math.abs(Date.now() / 1000 - timestamp) <= TOLERANCE_SECONDS)) {
      return answer(res, 401, { error: 'signature_invalid' });
    }
    const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
    const valid = signatures.split(' ').some((s) => {
      const [version, value] = s.split(',');
      const given = Buffer.from(value ?? '', 'base64');
      return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
    });
    if (!valid) return answer(res, 401, { error: 'signature_invalid' });
    let update: CarrierUpdate;
    try {
      update = JSON.parse(body.toString('utf8')) as CarrierUpdate;
    } catch {
      return answer(res, 400, { error: 'invalid_json' });
    }
    if (![update?.trackingId, update?.carrier, update?.status, update?.occurredAt].every((v) => typeof v === 'string')) {
      return answer(res, 400, { error: 'validation_failed' });
    }
    new Promise<string>((resolve, reject) => {
      queue.push({ messageId: id, update, resolve, reject });
      if (!flushing) drain().catch(crash);
    }).then(
      (eventId) => answer(res, 202, { eventId }),
      () => answer(res, 503, { error: 'unavailable' }),
    );
  };

  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== path) {
      req.resume();
      return answer(res, 404, { error: 'webhook_not_found' });
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => receive(req, res, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

// ---------------------------------------------------------------- consumers

/**
 * A consumer of one topic of the log: reads up to CONSUMER_BATCH past its checkpoint and handles them
 * in one transaction with the checkpoint (each topic has one writer, so offsets commit in order).
 */
async function consume<T>(
  db: pg.Client,
  consumer: string,
  topic: string,
  channels: { readonly own: Channel; readonly next: Channel },
  handle: (rows: { envelope: Envelope<T> }[]) => Promise<void>,
): Promise<void> {
  let position = Number((await db.query(`SELECT position FROM raw_pipeline.checkpoints WHERE consumer = $1`, [consumer])).rows[0].position);
  const wakeup = wakeupOf(channels.own);
  while (!stopping) {
    wakeup.clear();
    const { rows } = await db.query(`SELECT "offset", envelope FROM raw_pipeline.messages WHERE topic = $1 AND "offset" > $2 ORDER BY "offset" LIMIT ${CONSUMER_BATCH}`, [
      topic,
      position,
    ]);
    if (rows.length === 0) {
      await wakeup.wait(POLL_MS);
      continue;
    }
    const last = Number(rows.at(-1).offset);
    await db.query('BEGIN');
    try {
      await handle(rows);
      await db.query(`UPDATE raw_pipeline.checkpoints SET position = $2 WHERE consumer = $1`, [consumer, last]);
      await db.query('COMMIT');
    } catch (error) {
      await db.query('ROLLBACK');
      throw error;
    }
    signal(channels.next);
    position = last;
  }
}

/** Claims the batch's messages for a consumer; yields those it had not handled before. */
async function claim<T>(db: pg.Client, consumer: string, envelopes: Envelope<T>[]): Promise<Envelope<T>[]> {
  const { rows } = await db.query(
    `INSERT INTO raw_pipeline.inbox (consumer, message_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING message_id`,
    [consumer, envelopes.map((e) => e.id)],
  );
  const claimed = new Set(rows.map((r) => r.message_id as string));
  return envelopes.filter((e) => claimed.has(e.id));
}

const STATUS: Record<string, string> = {
  label_created: 'pre_transit',
  in_transit: 'in_transit',
  out_for_delivery: 'out_for_delivery',
  failed_attempt: 'exception',
  delivered: 'delivered',
};
const RANK: Record<string, number> = { pre_transit: 1, in_transit: 2, out_for_delivery: 3, exception: 3, delivered: 4, returned: 5 };
const SUBJECT: Record<string, string> = {
  pre_transit: 'Your parcel {id} is announced',
  in_transit: 'Your parcel {id} is on its way',
  out_for_delivery: 'Your parcel {id} arrives today',
  exception: 'A problem with your parcel {id}',
  delivered: 'Your parcel {id} was delivered',
};

/** The state machine's rule for the statuses the bench sends (the apps' full rule lives in the worker). */
function applies(current: { status: string; statusAt: number } | undefined, status: string, at: number): boolean {
  if (!current) return true;
  if (at <= current.statusAt || status === current.status) return false;
  if (current.status === 'exception') return RANK[status] >= RANK.in_transit;
  if (status === 'exception') return current.status !== 'delivered';
  return RANK[status] > RANK[current.status];
}

/** Normalizes each carrier update, moves its package, records the run, notifies the recipient, publishes the canonical update. */
async function workerBatch(db: pg.Client, rows: { envelope: Envelope<CarrierUpdate> }[]): Promise<void> {
  const started = Date.now();
  const fresh = await claim(db, 'worker', rows.map((r) => r.envelope));
  if (fresh.length === 0) return;
  const tenant = config.tenantId;
  const trackingIds = [...new Set(fresh.map((e) => e.data.trackingId))];
  const current = await db.query(
    `SELECT tracking_id, status, status_at, version FROM raw_pipeline.packages WHERE tenant_id = $1 AND tracking_id = ANY($2::text[]) FOR UPDATE`,
    [tenant, trackingIds],
  );
  const recipients = await db.query(
    `SELECT r.tracking_id, r.email, r.language, r.consent,
            EXISTS (SELECT 1 FROM raw_pipeline.opt_outs o WHERE o.tenant_id = r.tenant_id AND o.email = lower(r.email)) AS opted_out
       FROM raw_pipeline.recipients r WHERE r.tenant_id = $1 AND r.tracking_id = ANY($2::text[])`,
    [tenant, trackingIds],
  );
  const states = new Map<string, { status: string; statusAt: number; version: number; carrier: string; changed: boolean }>(
    current.rows.map((r) => [r.tracking_id, { status: r.status, statusAt: new Date(r.status_at).getTime(), version: r.version, carrier: '', changed: false }]),
  );
  const recipientOf = new Map(recipients.rows.map((r) => [r.tracking_id as string, r]));
  const runs: [string, string, string, string | null][] = [];
  const notifications: { trackingId: string; version: number; messageId: string; email: string; subject: string; body: string }[] = [];
  const outputs: Envelope<PackageUpdate>[] = [];
  for (const e of fresh) {
    const u = e.data;
    const status = STATUS[u.status.trim().toLowerCase().replace(/[\s-]+/g, '_')] ?? 'unknown';
    const carrier = u.carrier.trim().toLowerCase();
    const at = new Date(u.occurredAt).getTime();
    outputs.push({ ...e, id: randomUUID(), type: 'tracking.package.updated', data: { trackingId: u.trackingId, carrier, status, carrierStatus: u.status, occurredAt: new Date(at).toISOString() } });
    const state = states.get(u.trackingId);
    if (status === 'unknown' || !applies(state, status, at)) {
      runs.push([e.id, 'apply-package-update', 'skip', 'stale']);
      continue;
    }
    const version = (state?.version ?? 0) + 1;
    states.set(u.trackingId, { status, statusAt: at, version, carrier, changed: true });
    const recipient = recipientOf.get(u.trackingId);
    if (!recipient?.consent || recipient.opted_out) {
      runs.push([e.id, 'apply-package-update', 'skip', recipient ? 'no_consent' : 'no_recipient']);
      continue;
    }
    const key = `notify:${tenant}:${u.trackingId}:${version}`;
    const subject = SUBJECT[status].replace('{id}', u.trackingId);
    notifications.push({
      trackingId: u.trackingId,
      version,
      messageId: `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@notifications.raw>`,
      email: recipient.email,
      subject,
      body: `${subject} (${carrier.toUpperCase()})`,
    });
    runs.push([e.id, 'apply-package-update', 'ok', null]);
  }
  const duration = Date.now() - started;
  await db.query(
    `INSERT INTO raw_pipeline.runs (id, tenant_id, method, message_id, state, skip_reason, duration_ms)
     SELECT gen_random_uuid(), $1, r.method, r.message_id, r.state, r.skip_reason, $6
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[]) AS r(message_id, method, state, skip_reason)`,
    [tenant, runs.map((r) => r[0]), runs.map((r) => r[1]), runs.map((r) => r[2]), runs.map((r) => r[3]), duration],
  );
  const moved = [...states].filter(([, s]) => s.changed);
  if (moved.length > 0) {
    await db.query(
      `INSERT INTO raw_pipeline.packages (tenant_id, tracking_id, carrier, status, status_at, version)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::int[])
       ON CONFLICT (tenant_id, tracking_id) DO UPDATE
         SET carrier = EXCLUDED.carrier, status = EXCLUDED.status, status_at = EXCLUDED.status_at, version = EXCLUDED.version, updated_at = now()`,
      [
        tenant,
        moved.map(([id]) => id),
        moved.map(([, s]) => s.carrier),
        moved.map(([, s]) => s.status),
        moved.map(([, s]) => new Date(s.statusAt).toISOString()),
        moved.map(([, s]) => s.version),
      ],
    );
  }
  if (notifications.length > 0) {
    // The journal row is the notification's once-only key; the mail goes to the local mailbox in the same transaction.
    await db.query(
      `INSERT INTO raw_pipeline.notifications (tenant_id, tracking_id, version, message_id)
       SELECT $1, * FROM unnest($2::text[], $3::int[], $4::text[]) ON CONFLICT DO NOTHING`,
      [tenant, notifications.map((n) => n.trackingId), notifications.map((n) => n.version), notifications.map((n) => n.messageId)],
    );
    await db.query(
      `INSERT INTO raw_pipeline.mailbox (id, tenant_id, message_id, recipient, subject, body, tracking_id)
       SELECT gen_random_uuid(), $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) ON CONFLICT DO NOTHING`,
      [
        tenant,
        notifications.map((n) => n.messageId),
        notifications.map((n) => n.email),
        notifications.map((n) => n.subject),
        notifications.map((n) => n.body),
        notifications.map((n) => n.trackingId),
      ],
    );
  }
  await db.query(
    `WITH added AS (
       INSERT INTO raw_pipeline.messages (topic, message_id, key, envelope)
       SELECT 'package', m.id, m.key, m.envelope FROM ROWS FROM (unnest($1::uuid[]), unnest($2::text[]), jsonb_array_elements($3::jsonb)) AS m(id, key, envelope)
       RETURNING 1
     ) SELECT count(*) AS n${notifySql(CHANNEL.package)} FROM added`,
    [outputs.map((e) => e.id), outputs.map((e) => `${tenant}:${e.subject}`), JSON.stringify(outputs)],
  );
}

/** Appends each canonical update as an event, projects it onto the package's row (newest wins) and records the row's change. */
async function storeBatch(db: pg.Client, rows: { envelope: Envelope<PackageUpdate> }[]): Promise<void> {
  const fresh = await claim(db, 'store', rows.map((r) => r.envelope));
  if (fresh.length === 0) return;
  const { rows: appended } = await db.query(
    `INSERT INTO raw_pipeline.events (event_id, tenant_id, stream_id, type, data, occurred_at)
     SELECT e.id, $1, 'tracking-' || (e.data->>'trackingId'), e.type, e.data, (e.data->>'occurredAt')::timestamptz
       FROM jsonb_to_recordset($2::jsonb) AS e(id uuid, type text, data jsonb)
     RETURNING position, event_id`,
    [config.tenantId, JSON.stringify(fresh)],
  );
  const positionOf = new Map(appended.map((r) => [r.event_id as string, Number(r.position)]));
  // A batch holding two updates of one package pushes both, in turn: one statement per round.
  const rounds: Envelope<PackageUpdate>[][] = [];
  const seen = new Map<string, number>();
  for (const e of fresh) {
    const n = seen.get(e.data.trackingId) ?? 0;
    seen.set(e.data.trackingId, n + 1);
    (rounds[n] ??= []).push(e);
  }
  for (const round of rounds) {
    await db.query(
      `WITH projected AS (
         INSERT INTO raw_pipeline.package_status AS p (tenant_id, tracking_id, status, carrier, carrier_status, updated_at, last_event_id, last_position)
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::uuid[], $8::bigint[])
         ON CONFLICT (tenant_id, tracking_id) DO UPDATE
           SET status = EXCLUDED.status, carrier = EXCLUDED.carrier, carrier_status = EXCLUDED.carrier_status,
               updated_at = EXCLUDED.updated_at, last_event_id = EXCLUDED.last_event_id, last_position = EXCLUDED.last_position
         WHERE (p.updated_at, p.last_position) < (EXCLUDED.updated_at, EXCLUDED.last_position)
         RETURNING p.*
       ), changed AS (
         INSERT INTO raw_pipeline.changes (tenant_id, table_name, op, row) SELECT tenant_id, 'package_status', 'upsert', to_jsonb(projected) FROM projected
         RETURNING 1
       ) SELECT count(*) AS n${notifySql(CHANNEL.changes)} FROM changed`,
      [
        config.tenantId,
        round.map((e) => e.data.trackingId),
        round.map((e) => e.data.status),
        round.map((e) => e.data.carrier),
        round.map((e) => e.data.carrierStatus),
        round.map((e) => e.data.occurredAt),
        round.map((e) => e.id),
        round.map((e) => positionOf.get(e.id)),
      ],
    );
  }
}

// ---------------------------------------------------------------- sink

interface ChangedRow {
  tracking_id: string;
  status: string;
  carrier: string;
  carrier_status: string;
  updated_at: string;
  last_event_id: string;
}

/** Reads change rows as they commit and pushes each as the graphql-ws `next` frame the framework's subscriber gets. */
async function startSink(db: pg.Client): Promise<number> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const subscribers = new Set<WebSocket>();
  server.on('connection', (socket) => {
    subscribers.add(socket);
    socket.once('close', () => subscribers.delete(socket));
  });
  const wakeup = wakeupOf(CHANNEL.changes);
  let position = Number((await db.query(`SELECT coalesce(max(id), 0) AS id FROM raw_pipeline.changes`)).rows[0].id);
  void (async () => {
    while (!stopping) {
      wakeup.clear();
      const { rows } = await db.query(`SELECT id, row FROM raw_pipeline.changes WHERE id > $1 ORDER BY id LIMIT ${SINK_BATCH}`, [position]);
      if (rows.length === 0) {
        await wakeup.wait(POLL_MS);
        continue;
      }
      for (const { id, row } of rows as { id: string; row: ChangedRow }[]) {
        const frame = JSON.stringify({
          id: '1',
          type: 'next',
          payload: {
            data: {
              packageUpdated: {
                trackingId: row.tracking_id,
                status: row.status,
                carrier: row.carrier,
                carrierStatus: row.carrier_status,
                updatedAt: new Date(row.updated_at).toISOString(),
                eventId: row.last_event_id,
                cursor: id,
              },
            },
          },
        });
        for (const socket of subscribers) socket.send(frame);
      }
      position = Number(rows.at(-1)!.id);
    }
  })().catch(crash);
  return (server.address() as AddressInfo).port;
}

// ---------------------------------------------------------------- process

function crash(error: unknown): void {
  if (stopping) return;
  process.stderr.write(`raw pipeline (${config.roles.join('+')}) failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
}

let embedded: EmbeddedPostgres | undefined;
async function main(): Promise<void> {
  embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres({ dataDir: config.embeddedDir });
  const url = config.databaseUrl ?? embedded!.url;
  if (config.setup) {
    const db = await connect(url);
    await db.query(SCHEMA);
    await db.query(
      `INSERT INTO raw_pipeline.recipients (tenant_id, tracking_id, email, language, consent)
       SELECT $1, $2 || g, 'customer-' || g || '@example.com', CASE WHEN g % 2 = 1 THEN 'de' ELSE 'en' END, true FROM generate_series(0, $3 - 1) g`,
      [config.tenantId, config.trackingPrefix, config.parcels],
    );
  }
  const ports: { ingress?: number; sink?: number } = {};
  const roles = new Set(config.roles);
  // Each stage its own connection, as each app has its own pool; a LISTEN connection where other processes wake this one.
  await listen(url, [...(roles.has('worker') ? [CHANNEL.carrier] : []), ...(roles.has('store') ? [CHANNEL.package] : []), ...(roles.has('sink') ? [CHANNEL.changes] : [])]);
  if (roles.has('ingress')) ports.ingress = await startIngress(await connect(url));
  if (roles.has('worker')) {
    const db = await connect(url);
    void consume<CarrierUpdate>(db, 'worker', 'carrier', { own: CHANNEL.carrier, next: CHANNEL.package }, (rows) => workerBatch(db, rows)).then(() => undefined, crash);
  }
  if (roles.has('store')) {
    const db = await connect(url);
    void consume<PackageUpdate>(db, 'store', 'package', { own: CHANNEL.package, next: CHANNEL.changes }, (rows) => storeBatch(db, rows)).then(() => undefined, crash);
  }
  if (roles.has('sink')) ports.sink = await startSink(await connect(url));
  process.send!({ ports });
}

process.once('SIGTERM', () => {
  stopping = true;
  wakeups.forEach((w) => w.signal());
  const closeAll = async () => {
    await Promise.allSettled(clients.map((c) => c.end()));
    await embedded?.stop().catch(() => undefined);
  };
  const exit = () => process.exit(0);
  setTimeout(() => {
    closeAll().then(exit, exit);
  }, 300);
});
main().catch(crash);

import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { CliError, EXIT_FAILED, usageError } from '../cli-error.js';
import { apiError } from '../gateway-client.js';
import { isWebhookSecret, SECRET_PREFIX, signDelivery } from '../standard-webhooks.js';
import type { CommandContext, OptionValues, Subcommand } from './command.js';
import { CommandOutput, optionalOption, requiredOption } from './command.js';

/** The gateway's WebSocket route (apps/gateway/src/listen). */
const LISTEN_PATH = '/v1/listen';
const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;
const FORWARD_TIMEOUT_MS = 10_000;

/** What the gateway sends: a ready frame once connected, then an event frame per event of the tenant. */
type Frame = { type: 'ready'; cursor: string } | { type: 'event'; cursor: string; event: { id: string; type: string; [attribute: string]: unknown } };

/** How a connection ended: closed (retried with backoff), or refused by the API (a 4xx answer to the upgrade: fatal). */
type Ending = { refused?: CliError; reason?: string };

function forwardUrlOf(values: OptionValues): string {
  const url = requiredOption(values, 'forward-to');
  try {
    const { protocol } = new URL(url);
    if (protocol === 'http:' || protocol === 'https:') return url;
  } catch {
    // reported below
  }
  throw usageError('option_invalid', '--forward-to must be an http(s) URL, e.g. http://localhost:3000/hook');
}

function secretOf(values: OptionValues): string {
  const secret = optionalOption(values, 'secret');
  if (secret === undefined) return `${SECRET_PREFIX}${randomBytes(24).toString('base64')}`;
  if (!isWebhookSecret(secret)) throw usageError('option_invalid', '--secret must be a Standard Webhooks secret: whsec_ followed by base64');
  return secret;
}

/**
 * One run of `tributary listen`: connects to the gateway, forwards each event as it comes (one at a time, in order),
 * and keeps the cursor of the last one forwarded; reconnects after that cursor, with backoff, until stopped.
 */
class Listener {
  private cursor: string | undefined;
  private backoff = FIRST_BACKOFF_MS;

  constructor(
    private readonly context: CommandContext,
    private readonly forwardTo: string,
    private readonly secret: string,
    private readonly query: Record<string, string | undefined>,
    after: string | undefined,
  ) {
    this.cursor = after;
  }

  async run(): Promise<void> {
    const { signal } = this.context;
    while (!signal.aborted) {
      const ending = await this.connect();
      if (ending.refused) throw ending.refused;
      if (signal.aborted) return;
      this.print({ reconnecting: true, inMs: this.backoff, reason: ending.reason ?? 'closed' }, `reconnecting in ${this.backoff} ms (${ending.reason ?? 'closed'})`);
      await sleep(this.backoff, undefined, { signal }).catch(() => undefined);
      this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
    }
  }

  private connect(): Promise<Ending> {
    const { url, authorization } = this.context.gateway().tenantWebSocket(`${LISTEN_PATH}${this.queryString()}`);
    return new Promise((resolve) => {
      const ws = new WebSocket(url, { headers: { authorization }, handshakeTimeout: 30_000 });
      let forwarding = Promise.resolve();
      let ended = false;
      const end = (ending: Ending) => {
        if (ended) return;
        ended = true;
        this.context.signal.removeEventListener('abort', abort);
        // The cursor moves only once an event is forwarded: wait for those under way before reconnecting after it.
        forwarding.then(
          () => resolve(ending),
          () => resolve(ending),
        );
      };
      const abort = () => ws.close(1000, 'listener stopped');
      this.context.signal.addEventListener('abort', abort, { once: true });
      ws.on('unexpected-response', (_request, response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not the platform's error body: apiError names the status
          }
          const status = response.statusCode ?? 0;
          // A refusal of the request (key, query) is final; a server that is unavailable is tried again.
          end(status >= 400 && status < 500 ? { refused: apiError({ status, body }) } : { reason: `the gateway answered ${status}` });
          ws.terminate();
        });
      });
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data)) as Frame;
        if (frame.type === 'ready') {
          this.backoff = FIRST_BACKOFF_MS;
          this.cursor ??= frame.cursor;
          this.print({ ready: true, cursor: this.cursor }, `connected; cursor ${this.cursor}`);
          return;
        }
        forwarding = forwarding.then(() => this.forward(frame));
      });
      ws.on('error', (error: Error & { code?: string }) => end({ reason: error.code ?? error.message }));
      ws.on('close', (code, reason) => end({ reason: `closed ${code}${reason.length > 0 ? ` ${String(reason)}` : ''}` }));
    }).then((ending) => {
      const closed = ending as Ending;
      // The key stopped authenticating while listening (revoked, tenant disabled): as fatal as a 401 at the start.
      if (closed.reason?.startsWith('closed 4401')) return { refused: new CliError(EXIT_FAILED, 'unauthenticated', 'The gateway ended the stream: the key no longer authenticates') };
      return closed;
    });
  }

  private queryString(): string {
    const params = new URLSearchParams(Object.entries({ ...this.query, after: this.cursor }).filter((e): e is [string, string] => e[1] !== undefined));
    return params.size > 0 ? `?${params}` : '';
  }

  /** POSTs the event, signed with the listen secret; prints one line whatever the answer (a failure is not retried). */
  private async forward(frame: Extract<Frame, { type: 'event' }>): Promise<void> {
    // Stopped (Ctrl-C): the events still waiting behind the forward under way are not posted, nor is the cursor moved past them.
    if (this.context.signal.aborted) return;
    const delivery = signDelivery(this.secret, JSON.stringify(frame.event), frame.event.id);
    const started = performance.now();
    let status: number | string;
    try {
      const response = await fetch(this.forwardTo, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...delivery.headers },
        body: delivery.body,
        signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
      });
      await response.arrayBuffer().catch(() => undefined);
      status = response.status;
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      status = cause ?? ((error as Error).name === 'TimeoutError' ? 'timeout' : 'error');
    }
    const durationMs = Math.round(performance.now() - started);
    this.cursor = frame.cursor;
    const at = new Date().toISOString();
    this.print(
      { at, eventId: frame.event.id, type: frame.event.type, status, durationMs, cursor: frame.cursor },
      `${at}  ${String(status).padEnd(12)} ${`${durationMs} ms`.padStart(8)}  ${frame.event.type}  ${frame.event.id}`,
    );
  }

  /** One line on stdout: a JSON object (-o json, yaml), or text (-o table). */
  print(json: object, text: string): void {
    this.context.output.write(`${this.context.format === 'table' ? text : JSON.stringify(json)}\n`);
  }
}

/**
 * `tributary listen`: the tenant's live events (or one webhook's deliveries) forwarded to a local URL, signed
 * Standard-Webhooks style — like `svix listen` or `stripe listen`, over a WebSocket the CLI opens to the gateway
 * (nothing needs to reach the machine it runs on).
 */
export const listenCommand: Subcommand = {
  usage: 'listen --forward-to <url> [--webhook <webhookId>] [--topic <topic>] [--after <cursor>] [--secret <whsec_...>]',
  summary:
    "Forward the tenant's live events (TRIBUTARY_API_KEY) to a local URL as signed POSTs, one line per forward; reconnects with backoff, at least once; runs until Ctrl-C",
  options: { 'forward-to': { type: 'string' }, webhook: { type: 'string' }, topic: { type: 'string' }, after: { type: 'string' }, secret: { type: 'string' } },
  help: {
    '--forward-to': 'the local URL each event is POSTed to, e.g. http://localhost:3000/hook',
    '--webhook': "only the events this webhook's deliveries became (a webhook id of the tenant)",
    '--topic': "only this topic's events, e.g. tracking.carrier-update.received",
    '--after': 'resume after this cursor (the cursor printed with an event) instead of from now on',
    '--secret': 'sign with this whsec_ secret (default: a new one, printed at the start) — verify the webhook-signature header with it',
  },
  async run(values, context) {
    const forwardTo = forwardUrlOf(values);
    const secret = secretOf(values);
    context.gateway().tenantWebSocket(LISTEN_PATH); // no tenant key: a usage error before anything is printed
    const query = { webhook: optionalOption(values, 'webhook'), topic: optionalOption(values, 'topic') };
    const listener = new Listener(context, forwardTo, secret, query, optionalOption(values, 'after'));
    listener.print({ forwardTo, secret, ...query }, `forwarding to ${forwardTo}; signing secret ${secret}`);
    await listener.run();
    return new CommandOutput('');
  },
};

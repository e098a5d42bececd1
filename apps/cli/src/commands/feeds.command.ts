import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream } from 'node:stream/web';
import { CliError, EXIT_FAILED, usageError } from '../cli-error.js';
import { booleanOption, CommandOutput, optionalOption, type OptionValues } from './command.js';
import type { CommandGroup } from './command.js';

const FORMATS = ['csv', 'json'] as const;
type Format = (typeof FORMATS)[number];

function formatOf(values: OptionValues): Format {
  const format = optionalOption(values, 'format') ?? 'json';
  if (!(FORMATS as readonly string[]).includes(format)) throw usageError('option_invalid', '--format must be csv or json');
  return format as Format;
}

/** `--if-none-match`: an ETag as printed (`"…"`, or `W/"…"`); a bare one is quoted. */
function ifNoneMatchOf(values: OptionValues): string | undefined {
  const etag = optionalOption(values, 'if-none-match')?.trim();
  if (etag === undefined) return undefined;
  if (!/^[\x21-\x7e]+$/.test(etag) || etag.length > 200) throw usageError('option_invalid', '--if-none-match must be an ETag as printed, e.g. "q3T…"');
  return etag.startsWith('"') || etag.startsWith('W/"') ? etag : `"${etag}"`;
}

function feedQuery(values: OptionValues): string {
  const params = new URLSearchParams();
  const inStock = booleanOption(values, 'in-stock');
  if (inStock !== undefined) params.set('inStock', String(inStock));
  const currency = optionalOption(values, 'currency');
  if (currency !== undefined) {
    if (!/^[A-Za-z]{3}$/.test(currency)) throw usageError('option_invalid', '--currency must be an ISO 4217 code, e.g. EUR');
    params.set('currency', currency.toUpperCase());
  }
  const query = params.toString();
  return query ? `?${query}` : '';
}

/** Counts what passes through it (the bytes written), holding nothing. */
function byteCounter(): Transform & { bytes: number } {
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      counter.bytes += chunk.length;
      done(null, chunk);
    },
  }) as Transform & { bytes: number };
  counter.bytes = 0;
  return counter;
}

/**
 * The file `--out` names is written whole or not at all: the feed goes to a part file beside it (created before
 * anything is sent, so an unwritable path is a usage error), renamed over it once complete.
 */
async function partFileFor(out: string): Promise<string> {
  const part = join(dirname(out), `.${basename(out)}.${process.pid}.part`);
  try {
    await (await open(part, 'w')).close();
  } catch (error) {
    throw usageError('option_invalid', `Cannot write ${out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return part;
}

/** `feeds products`: the tenant's product data feed from the event store, streamed. */
export const feedsCommand: CommandGroup = {
  name: 'feeds',
  subcommands: {
    products: {
      usage: 'feeds products [--format csv|json] [--out <file>] [--if-none-match <etag>] [--in-stock true|false] [--currency <code>]',
      summary:
        "The tenant's product data feed (GET /v1/feeds/products.csv|json on the event store, TRIBUTARY_API_KEY), streamed to stdout or a file; { etag, status, bytes } on stderr",
      options: {
        format: { type: 'string' },
        out: { type: 'string' },
        'if-none-match': { type: 'string' },
        'in-stock': { type: 'string' },
        currency: { type: 'string' },
      },
      help: {
        '--format': 'json (default: one array of products) or csv (RFC 4180, a header line)',
        '--out': 'write the feed to this file (replaced whole once complete; untouched when not modified) and print { format, out, etag, status, bytes } on stdout',
        '--if-none-match': 'the etag of a feed fetched before: status 304 and nothing written while the products are unchanged',
        '--in-stock': 'true: only products in stock; false: only those out of stock',
        '--currency': 'only products priced in this ISO 4217 currency (EUR)',
      },
      async run(values, context) {
        const format = formatOf(values);
        const query = feedQuery(values);
        const ifNoneMatch = ifNoneMatchOf(values);
        const out = optionalOption(values, 'out');
        const part = out === undefined ? undefined : await partFileFor(out);
        try {
          const response = await context
            .eventStore()
            .tenantStream(`/v1/feeds/products.${format}${query}`, { accept: format === 'csv' ? 'text/csv' : 'application/json', ...(ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {}) });
          const etag = response.headers.get('etag');
          const counter = byteCounter();
          if (response.status !== 304 && response.body) {
            const source = Readable.fromWeb(response.body as ReadableStream<Uint8Array>);
            try {
              // Chunk by chunk, waiting for the sink to drain: memory stays at a chunk for any size of feed.
              if (part !== undefined) await pipeline(source, counter, createWriteStream(part));
              else await pipeline(source, counter, context.output as Writable, { end: false });
            } catch (error) {
              // The reader of stdout went away (`| head`): it had what it wanted, as with any Unix filter.
              if (part === undefined && (error as NodeJS.ErrnoException).code === 'EPIPE') {
                source.destroy();
                return new CommandOutput(`${JSON.stringify({ etag, status: response.status, bytes: counter.bytes, closed: true })}\n`);
              }
              const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as NodeJS.ErrnoException).code ?? (error as Error).message;
              throw new CliError(EXIT_FAILED, 'event_store_unreachable', `The feed was cut off after ${counter.bytes} bytes: ${cause}`);
            }
          } else {
            await response.body?.cancel();
          }
          const outcome = { etag, status: response.status, bytes: counter.bytes };
          if (part !== undefined && out !== undefined) {
            if (response.status === 304) await rm(part, { force: true });
            else await rename(part, out);
          }
          return new CommandOutput(`${JSON.stringify(outcome)}\n`, out === undefined ? undefined : { format, out, ...outcome });
        } finally {
          if (part !== undefined) await rm(part, { force: true });
        }
      },
    },
  },
};

import { usageError } from '../cli-error.js';
import type { CommandGroup, OptionValues } from './command.js';
import { optionalOption, pageQuery, PAGE_OPTIONS } from './command.js';

/** An instant option (the API judges the exact form; a value that is no date at all is a usage error). */
function instantOf(values: OptionValues, name: 'since' | 'until'): string | undefined {
  const value = optionalOption(values, name);
  if (value !== undefined && Number.isNaN(Date.parse(value))) throw usageError('option_invalid', `--${name} must be an ISO 8601 instant, e.g. 2026-12-01T00:00:00Z`);
  return value;
}

/** `deliveries list`: search the webhook deliveries the gateway answered (GET /v1/deliveries). */
export const deliveriesCommand: CommandGroup = {
  name: 'deliveries',
  subcommands: {
    list: {
      usage:
        'deliveries list [--webhook <id>] [--status <code|class>] [--code <error>] [--since <instant>] [--until <instant>] [--trace-id <id>] [--tenant <id>] [--limit <n>] [--after <cursor>]',
      summary: "Webhook deliveries as answered (accepted and refused), newest first (TRIBUTARY_API_KEY; with --tenant, TRIBUTARY_ADMIN_KEY): { data, nextCursor }",
      columns: ['receivedAt', 'webhookId', 'extId', 'status', 'code', 'traceId', 'durationMs', 'eventId'],
      options: {
        webhook: { type: 'string' },
        status: { type: 'string' },
        code: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        'trace-id': { type: 'string' },
        tenant: { type: 'string' },
        ...PAGE_OPTIONS,
      },
      help: {
        '--webhook': 'only deliveries to this webhook id',
        '--status': 'only this HTTP status (401) or status class (4xx)',
        '--code': 'only refusals with this error code (signature_invalid, payload_invalid, ...)',
        '--since': 'only deliveries received at or after this ISO 8601 instant',
        '--until': 'only deliveries received before this ISO 8601 instant',
        '--trace-id': 'only the delivery answered with this trace id (32 hex digits)',
        '--tenant': "this tenant's deliveries, with the platform admin key (TRIBUTARY_ADMIN_KEY)",
        '--limit': 'deliveries per page (1-100, default 50)',
        '--after': "the previous page's nextCursor",
      },
      run(values, context) {
        const tenant = optionalOption(values, 'tenant');
        const query = pageQuery(values, {
          webhookId: optionalOption(values, 'webhook'),
          status: optionalOption(values, 'status'),
          code: optionalOption(values, 'code'),
          since: instantOf(values, 'since'),
          until: instantOf(values, 'until'),
          traceId: optionalOption(values, 'trace-id'),
          tenantId: tenant,
        });
        return context.gateway().get(tenant ? 'admin' : 'tenant', `/v1/deliveries${query}`);
      },
    },
  },
};

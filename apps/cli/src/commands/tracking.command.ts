import { usageError } from '../cli-error.js';
import type { CommandGroup, OptionValues } from './command.js';
import { booleanOption, id, optionalOption, pageQuery, PAGE_OPTIONS, requiredOption } from './command.js';

const trackingId = (values: OptionValues) => id(requiredOption(values, 'tracking-id'));

const TRACKING_HELP = { '--tracking-id': "the parcel's tracking id (the carrier's)" } as const;

/**
 * `tracking list|show|recipient|opt-out|template|mailbox`: track and trace. The packages' latest states are the event
 * store's projection (`list`); a package's carrier events, its recipient, templates and the mailbox are the worker's.
 */
export const trackingCommand: CommandGroup = {
  name: 'tracking',
  subcommands: {
    list: {
      usage: 'tracking list [--status <status>] [--limit <n>] [--after <cursor>]',
      summary: "The tenant's packages and their latest state, in tracking-id order (the event store): { packages, next }",
      columns: ['trackingId', 'status', 'carrier', 'carrierStatus', 'updatedAt'],
      options: { status: { type: 'string' }, ...PAGE_OPTIONS },
      help: { '--status': 'only packages in this state: pre_transit, in_transit, out_for_delivery, delivered, …', '--limit': 'packages per page (1-1000, default 100)', '--after': "the previous page's next" },
      run: (values, context) => context.eventStore().tenant('GET', `/v1/packages${pageQuery(values, { status: optionalOption(values, 'status') })}`),
    },
    show: {
      usage: 'tracking show --tracking-id <id>',
      summary: "A package's state and every carrier event received for it, with its outcome (the worker)",
      columns: ['status', 'carrierStatus', 'occurredAt', 'outcome'],
      options: { 'tracking-id': { type: 'string' } },
      help: TRACKING_HELP,
      run: (values, context) => context.worker().call('GET', `/v1/tracking/packages/${trackingId(values)}`),
    },
    recipient: {
      usage: 'tracking recipient --tracking-id <id> --email <address> --language en|de --consent true|false',
      summary: "Track a parcel for a customer (member): who is notified about its transitions, with their consent",
      options: { 'tracking-id': { type: 'string' }, email: { type: 'string' }, language: { type: 'string' }, consent: { type: 'string' } },
      help: { ...TRACKING_HELP, '--email': "the customer's address", '--language': 'the language of the notifications: en or de', '--consent': 'true: the customer agreed to be notified (false: nothing is sent)' },
      run(values, context) {
        const consent = booleanOption(values, 'consent');
        if (consent === undefined) throw usageError('option_missing', '--consent is required');
        const body = { email: requiredOption(values, 'email'), language: requiredOption(values, 'language'), consent };
        return context.worker().call('PUT', `/v1/tracking/packages/${trackingId(values)}/recipient`, body);
      },
    },
    'opt-out': {
      usage: 'tracking opt-out --email <address>',
      summary: 'Stop every notification to an address, for all its parcels (member)',
      options: { email: { type: 'string' } },
      help: { '--email': 'the address that is never notified again' },
      run: (values, context) => context.worker().call('POST', '/v1/tracking/opt-outs', { email: requiredOption(values, 'email') }),
    },
    template: {
      usage: 'tracking template --state <state> --language en|de --subject <text> --text <text>',
      summary: "The tenant's own notification for a state in a language, instead of the built-in one (member)",
      options: { state: { type: 'string' }, language: { type: 'string' }, subject: { type: 'string' }, text: { type: 'string' } },
      help: { '--state': 'the package state it is sent for (in_transit, delivered, …)', '--language': 'en or de', '--subject': "the mail's subject", '--text': "the mail's text" },
      run: (values, context) =>
        context
          .worker()
          .call('PUT', `/v1/tracking/templates/${id(requiredOption(values, 'state'))}/${id(requiredOption(values, 'language'))}`, { subject: requiredOption(values, 'subject'), text: requiredOption(values, 'text') }),
    },
    mailbox: {
      usage: 'tracking mailbox',
      summary: 'Notifications written to the local mailbox (a worker without SMTP_URL), newest first',
      columns: ['createdAt', 'to', 'trackingId', 'subject'],
      options: {},
      run: (_values, context) => context.worker().call('GET', '/v1/tracking/mailbox'),
    },
  },
};


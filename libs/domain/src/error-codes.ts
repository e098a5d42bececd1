import type { ErrorKind } from './tributary-error.js';

/**
 * Where a code can reach someone: `REST` — an HTTP error body `{ error: { code, message }, traceId }`
 * (webhook ingress included); `GraphQL` — `extensions.code` over HTTP or graphql-ws; `CLI` — the
 * `tributary` CLI's error on stderr (which also repeats every code an app answered it); `command` — an
 * app's one-shot command (`migrate`, `uninstall`); `record` — the error of a run record or a dead letter
 * (read over REST and on the operator page); `log` — only the app's log (a failed start or background task).
 * socket.io carries no code of its own: its `error` event and acks give the HTTP status as `code`.
 */
export type ErrorSurface = 'REST' | 'GraphQL' | 'CLI' | 'command' | 'record' | 'log';

export interface ErrorCodeInfo {
  /**
   * The kind a `TributaryError` with this code is thrown with — for a code only the framework or the
   * edge answers, the kind its status stands for; null where no kind fits (a status without one, the CLI).
   */
  readonly kind: ErrorKind | null;
  /** The HTTP status it is answered with (GraphQL: `extensions.status`); null where no HTTP answer carries it. */
  readonly status: number | null;
  readonly where: readonly ErrorSurface[];
  /** What it means, in one line. */
  readonly meaning: string;
}

/**
 * Every error code the platform produces: clients switch on these, so a code is never renamed, and a
 * new one is added here (and to docs/errors.md, which a test holds to this list) before it is thrown.
 */
export const ERROR_CODES = {
  // Any request, at the edge
  validation_failed: { kind: 'invalid', status: 400, where: ['REST', 'GraphQL'], meaning: 'a body, query parameter or argument fails validation; the message lists the problems' },
  bad_request: { kind: 'invalid', status: 400, where: ['REST', 'GraphQL'], meaning: 'a malformed request (the HTTP parser or a framework pipe refused it)' },
  invalid_json: { kind: 'invalid', status: 400, where: ['REST'], meaning: 'the body is not valid JSON' },
  invalid_characters: { kind: 'invalid', status: 400, where: ['REST', 'GraphQL'], meaning: 'a NUL character or an unpaired surrogate in the path, query, body or GraphQL arguments (PostgreSQL cannot store it)' },
  payload_too_deep: { kind: 'invalid', status: 400, where: ['REST'], meaning: 'the JSON body nests deeper than JSON_MAX_DEPTH' },
  payload_too_large: { kind: 'too_large', status: 413, where: ['REST'], meaning: 'the body exceeds the size limit' },
  headers_too_large: { kind: null, status: 431, where: ['REST'], meaning: 'the request headers are too large' },
  request_timeout: { kind: null, status: 408, where: ['REST', 'record'], meaning: 'the request was not received in time (REST); a run’s `request` got no reply within its `timeoutMs` (record, retried)' },
  expectation_failed: { kind: null, status: 417, where: ['REST'], meaning: 'an `Expect` header other than 100-continue' },
  unsupported_media_type: { kind: 'unsupported', status: 415, where: ['REST'], meaning: 'the body is not of a media type the route takes (webhook deliveries: application/json)' },
  method_not_allowed: { kind: null, status: 405, where: ['REST'], meaning: 'the route is not called with this method (`Allow` says which)' },
  route_not_found: { kind: 'not_found', status: 404, where: ['REST'], meaning: 'no such route on this app (or on this port)' },
  csrf_refused: { kind: 'invalid', status: 400, where: ['GraphQL'], meaning: 'a GraphQL request a browser could send cross-site without a preflight' },
  unauthenticated: { kind: 'unauthenticated', status: 401, where: ['REST', 'GraphQL'], meaning: 'no credential, or one that is not valid' },
  forbidden: { kind: 'forbidden', status: 403, where: ['REST', 'GraphQL'], meaning: 'refused by a guard (Nest’s own ForbiddenException)' },
  conflict: { kind: 'conflict', status: 409, where: ['REST', 'GraphQL'], meaning: 'Nest’s own ConflictException (the platform’s conflicts have codes of their own)' },
  rate_limited: { kind: 'rate_limited', status: 429, where: ['REST'], meaning: 'a delivery over its webhook’s or tenant’s rate limit; retry after `Retry-After`' },
  internal: { kind: 'internal', status: 500, where: ['REST', 'GraphQL', 'CLI'], meaning: 'an unexpected failure (logged with the trace id); nothing more is said' },
  unavailable: { kind: 'unavailable', status: 503, where: ['REST', 'GraphQL'], meaning: 'a database or broker the request needs is unreachable; retry after `Retry-After`' },
  not_ready: { kind: 'unavailable', status: 503, where: ['REST'], meaning: '`/health/ready`: a check is down or the app is draining' },

  // GraphQL: Apollo's own codes for a request refused before it runs
  GRAPHQL_PARSE_FAILED: { kind: null, status: 400, where: ['GraphQL'], meaning: 'Apollo’s: the document is not valid GraphQL' },
  GRAPHQL_VALIDATION_FAILED: { kind: null, status: 400, where: ['GraphQL'], meaning: 'Apollo’s: the document does not validate against the schema' },
  BAD_USER_INPUT: { kind: null, status: 400, where: ['GraphQL'], meaning: 'Apollo’s: a variable of the wrong type' },
  BAD_REQUEST: { kind: null, status: 400, where: ['GraphQL'], meaning: 'Apollo’s: a malformed GraphQL HTTP request' },
  OPERATION_RESOLUTION_FAILURE: { kind: null, status: 400, where: ['GraphQL'], meaning: 'Apollo’s: the operation name names no operation of the document' },
  PERSISTED_QUERY_NOT_FOUND: { kind: null, status: 200, where: ['GraphQL'], meaning: 'Apollo’s: an automatic persisted query it does not know' },
  PERSISTED_QUERY_NOT_SUPPORTED: { kind: null, status: 200, where: ['GraphQL'], meaning: 'Apollo’s: persisted queries are not served' },
  // GraphQL: the platform's limits
  operation_not_supported: { kind: 'invalid', status: 400, where: ['GraphQL'], meaning: 'an operation type the endpoint has no root for (a subscription where there are none)' },
  query_too_deep: { kind: 'invalid', status: 400, where: ['GraphQL'], meaning: 'the query nests deeper than the endpoint allows' },
  too_many_aliases: { kind: 'invalid', status: 400, where: ['GraphQL'], meaning: 'the query has more aliases than the endpoint allows' },
  query_too_costly: { kind: 'invalid', status: 400, where: ['GraphQL'], meaning: 'the query’s cost is over the endpoint’s limit' },
  query_too_large: { kind: 'invalid', status: 400, where: ['GraphQL'], meaning: 'the query has too many tokens, or a graphql-ws subscribe message is too large' },

  // Keys, tenants, roles
  tenant_required: { kind: 'forbidden', status: 403, where: ['REST', 'GraphQL'], meaning: 'the operation wants a tenant API key, not the admin key' },
  admin_required: { kind: 'forbidden', status: 403, where: ['REST', 'GraphQL'], meaning: 'the operation wants the platform admin key' },
  role_insufficient: { kind: 'forbidden', status: 403, where: ['REST', 'GraphQL'], meaning: 'the key’s role is below the one the operation needs' },
  read_only_key: { kind: 'forbidden', status: 403, where: ['REST'], meaning: 'a read_only key on a worker route that writes' },
  tenant_disabled: { kind: 'forbidden', status: 403, where: ['REST', 'GraphQL'], meaning: 'the tenant is disabled: its keys and webhooks are refused' },
  api_key_malformed: { kind: 'invalid', status: 400, where: ['log'], meaning: 'a key given to the platform (TRIBUTARY_ADMIN_KEY) does not look like `trb_<12 characters>_<43 characters>`' },
  secret_unreadable: { kind: 'internal', status: 500, where: ['record', 'log'], meaning: 'a stored secret could not be decrypted (another TRIBUTARY_ENCRYPTION_KEY); the webhook ingress answers it as `internal`' },

  // Gateway: management
  tenant_not_found: { kind: 'not_found', status: 404, where: ['REST', 'GraphQL'], meaning: 'no such tenant' },
  user_not_found: { kind: 'not_found', status: 404, where: ['REST', 'GraphQL'], meaning: 'no such user in the tenant' },
  api_key_not_found: { kind: 'not_found', status: 404, where: ['REST', 'GraphQL'], meaning: 'no such API key in the tenant' },
  app_not_found: { kind: 'not_found', status: 404, where: ['REST', 'GraphQL'], meaning: 'no such app in the tenant' },
  integration_not_found: { kind: 'not_found', status: 404, where: ['REST', 'GraphQL'], meaning: 'no such integration in the tenant' },
  webhook_not_found: { kind: 'not_found', status: 404, where: ['REST', 'GraphQL'], meaning: 'no such webhook (in the tenant; at ingress: at all)' },
  webhook_secret_not_found: { kind: 'not_found', status: 404, where: ['REST', 'GraphQL'], meaning: 'no such secret of the webhook' },
  user_exists: { kind: 'conflict', status: 409, where: ['REST', 'GraphQL'], meaning: 'a user with this e-mail address exists in the tenant' },
  user_disabled: { kind: 'conflict', status: 409, where: ['REST', 'GraphQL'], meaning: 'a key for a disabled user' },
  last_secret: { kind: 'conflict', status: 409, where: ['REST', 'GraphQL'], meaning: 'ending the webhook’s only active secret; rotate instead' },
  secret_invalid: { kind: 'invalid', status: 400, where: ['REST', 'GraphQL'], meaning: 'a secret brought along is not usable by the webhook’s scheme' },
  verifier_unknown: { kind: 'invalid', status: 400, where: ['REST', 'GraphQL'], meaning: 'no webhook verifier of that name' },
  too_many_listeners: { kind: 'rate_limited', status: 429, where: ['REST'], meaning: 'the tenant already has `LISTEN_MAX_PER_TENANT` `tributary listen` streams open on this gateway replica; close one' },
  websocket_required: { kind: 'invalid', status: 400, where: ['REST'], meaning: 'a plain request to a WebSocket route (`GET /v1/listen`): connect with `Upgrade: websocket`' },
  cursor_invalid: { kind: 'invalid', status: 400, where: ['REST', 'GraphQL'], meaning: '`after` is not a cursor this API returned' },

  // Gateway: webhook ingress
  signature_missing: { kind: 'unauthenticated', status: 401, where: ['REST'], meaning: 'the delivery carries no signature (or token) of the webhook’s scheme' },
  signature_invalid: { kind: 'unauthenticated', status: 401, where: ['REST', 'record'], meaning: 'the signature does not verify (in a record: a message whose platform signature does not)' },
  timestamp_invalid: { kind: 'unauthenticated', status: 401, where: ['REST'], meaning: 'the signed timestamp is outside the scheme’s tolerance' },
  app_disabled: { kind: 'forbidden', status: 403, where: ['REST'], meaning: 'the webhook’s app is disabled' },
  integration_disabled: { kind: 'forbidden', status: 403, where: ['REST'], meaning: 'no enabled integration uses the webhook’s app' },
  subscription_required: { kind: 'forbidden', status: 403, where: ['REST'], meaning: 'the tenant has not paid for an integration of the webhook’s app' },
  payload_invalid: { kind: 'invalid', status: 400, where: ['REST', 'GraphQL', 'record'], meaning: 'a payload does not match its topic’s schema' },
  receipt_unavailable: { kind: 'unavailable', status: 503, where: ['REST'], meaning: 'a repeated delivery whose original is no longer remembered; retry' },

  // Gateway: operator page
  dead_letter_id_invalid: { kind: 'invalid', status: 400, where: ['GraphQL'], meaning: 'a dead letter id is a number' },
  dead_letter_not_found: { kind: 'not_found', status: 404, where: ['REST', 'GraphQL'], meaning: 'no such dead letter (of the tenant)' },
  dead_letter_not_dead: { kind: 'conflict', status: 409, where: ['REST', 'GraphQL'], meaning: 'the dead letter was redriven or discarded already' },
  dead_letter_not_redrivable: { kind: 'conflict', status: 409, where: ['GraphQL'], meaning: 'the dead letter holds no well-formed message to send again' },

  // Event store
  stream_not_found: { kind: 'not_found', status: 404, where: ['REST', 'GraphQL'], meaning: 'no such stream' },
  event_not_found: { kind: 'not_found', status: 404, where: ['REST', 'GraphQL'], meaning: 'no such event' },
  package_not_found: { kind: 'not_found', status: 404, where: ['REST', 'GraphQL'], meaning: 'no such package (tracking id)' },
  projection_not_found: { kind: 'not_found', status: 404, where: ['REST'], meaning: 'no projection of that name' },
  build_not_found: { kind: 'not_found', status: 404, where: ['REST', 'GraphQL'], meaning: 'no such build' },
  project_not_found: { kind: 'not_found', status: 404, where: ['REST', 'GraphQL'], meaning: 'no such project' },
  stream_id_invalid: { kind: 'invalid', status: 400, where: ['REST', 'GraphQL'], meaning: 'a stream id is 1 to 200 characters without control characters' },
  event_id_invalid: { kind: 'invalid', status: 400, where: ['REST', 'GraphQL'], meaning: 'an event id is a UUID' },
  event_id_duplicate: { kind: 'invalid', status: 400, where: ['REST', 'GraphQL'], meaning: 'the same event id twice in one append' },
  locale_invalid: {
    kind: 'invalid',
    status: 400,
    where: ['REST', 'GraphQL'],
    meaning: 'a package view’s or the `packageUpdated` subscription’s `locale` is not a language with an optional region (`de`, `de-DE`, `en_US`)',
  },
  occurred_at_invalid: { kind: 'invalid', status: 400, where: ['REST', 'GraphQL'], meaning: 'an event’s occurredAt is not an ISO-8601 date-time' },
  events_empty: { kind: 'invalid', status: 400, where: ['REST', 'GraphQL'], meaning: 'an append without events' },
  events_invalid: { kind: 'invalid', status: 400, where: ['REST', 'GraphQL'], meaning: 'an append carries too few or too many events' },
  expected_version_invalid: { kind: 'invalid', status: 400, where: ['GraphQL'], meaning: 'expectedVersion is any, no-stream, stream-exists or an integer >= 0' },
  from_invalid: { kind: 'invalid', status: 400, where: ['REST', 'GraphQL'], meaning: '`from` is not a stream version (reads of a stream) or not an ISO-8601 date-time (reads of all)' },
  to_invalid: { kind: 'invalid', status: 400, where: ['REST', 'GraphQL'], meaning: '`to` is not an ISO-8601 date-time' },
  limit_invalid: { kind: 'invalid', status: 400, where: ['REST', 'GraphQL'], meaning: 'a page size out of range' },
  topic_unknown: { kind: 'invalid', status: 400, where: ['REST', 'GraphQL', 'record'], meaning: 'an event type (topic) the registry does not know' },
  build_id_invalid: { kind: 'invalid', status: 400, where: ['REST', 'GraphQL'], meaning: 'a build id is a UUID' },
  project_id_invalid: { kind: 'invalid', status: 400, where: ['REST', 'GraphQL'], meaning: 'a project id is a UUID' },
  wrong_expected_version: { kind: 'conflict', status: 409, where: ['REST', 'GraphQL'], meaning: 'the stream is not at the version the append expected' },
  event_id_conflict: { kind: 'conflict', status: 409, where: ['REST', 'GraphQL'], meaning: 'an event id of the append is stored with other events or in another stream' },

  // Change sink
  publishing_disabled: { kind: 'forbidden', status: 403, where: ['REST'], meaning: '`/publish` without SECURITY_TOKEN configured' },
  security_token_invalid: { kind: 'unauthenticated', status: 401, where: ['REST'], meaning: '`/publish` with a wrong securityToken' },
  cursor_expired: { kind: 'invalid', status: 400, where: ['GraphQL'], meaning: 'changes after this cursor were pruned; start again without `after`' },
  packages_not_captured: { kind: 'not_found', status: 404, where: ['GraphQL'], meaning: '`packageUpdated` on a change-sink that does not capture the package table' },
  sql_name_invalid: { kind: 'invalid', status: 400, where: ['log'], meaning: 'a configured table or column name holds a NUL character' },

  // Integration worker: management
  integration_unknown: { kind: 'invalid', status: 400, where: ['REST'], meaning: 'no integration of that name on this worker' },
  deployment_config_invalid: { kind: 'invalid', status: 400, where: ['REST'], meaning: 'a deployment’s config fails the integration’s class (the fields are named)' },
  deployment_credentials_invalid: { kind: 'invalid', status: 400, where: ['REST'], meaning: 'a deployment’s credentials fail the integration’s class (the fields are named, never a value)' },
  deployment_exists: { kind: 'conflict', status: 409, where: ['REST'], meaning: 'a deployment of the integration with this name exists' },
  deployment_not_found: { kind: 'not_found', status: 404, where: ['REST'], meaning: 'no such deployment' },
  action_exists: { kind: 'conflict', status: 409, where: ['REST'], meaning: 'the deployment has an action for this method already' },
  action_not_found: { kind: 'not_found', status: 404, where: ['REST', 'record'], meaning: 'no such action (in a record: it was deleted or disabled before its run)' },
  action_disabled: { kind: 'conflict', status: 409, where: ['REST'], meaning: 'running a disabled action (or one of a disabled deployment) by hand, or asking it for data' },
  method_unknown: { kind: 'invalid', status: 400, where: ['REST', 'record'], meaning: 'the integration has no method of that name' },
  method_not_actionable: { kind: 'invalid', status: 400, where: ['REST'], meaning: 'the method runs for every tenant; it takes no actions' },
  action_serves_no_data: { kind: 'invalid', status: 400, where: ['REST'], meaning: 'asking an action for data whose method is not a data method' },
  upstream_stale: { kind: null, status: 502, where: ['REST'], meaning: 'a data action’s upstream failed and its cached document has expired (or there is none); the body carries it as data, with ageSeconds' },
  run_not_found: { kind: 'not_found', status: 404, where: ['REST'], meaning: 'no such run record' },
  schedule_not_found: { kind: 'not_found', status: 404, where: ['REST'], meaning: 'no such schedule' },
  schedule_invalid: { kind: 'invalid', status: 400, where: ['REST'], meaning: 'not a cron expression or not an IANA time zone' },
  tracking_id_invalid: { kind: 'invalid', status: 400, where: ['REST'], meaning: 'a tracking id is 1–128 letters, digits, . _ : -' },
  template_invalid: { kind: 'invalid', status: 400, where: ['REST'], meaning: 'no notifications for this state, or a language not offered' },
  encryption_key_missing: { kind: 'unavailable', status: 503, where: ['REST', 'record'], meaning: 'credentials to seal or open without TRIBUTARY_ENCRYPTION_KEY on the worker' },
  settlement_not_found: { kind: 'not_found', status: 404, where: ['REST', 'CLI'], meaning: 'no such settlement token (of the tenant)' },
  settlement_settled: { kind: 'conflict', status: 409, where: ['REST', 'CLI'], meaning: 'the message of the settlement token is settled already with another outcome, or its deadline lapsed (repeating the outcome it has answers 200)' },

  // Integration worker: runs (recorded with the run or the dead letter)
  handler_failed: { kind: null, status: null, where: ['record'], meaning: 'a handler failed with an error that carries no code (retried)' },
  handler_timeout: { kind: 'unavailable', status: 503, where: ['record'], meaning: 'a handler ran past its time limit (retried)' },
  effect_in_progress: { kind: 'unavailable', status: 503, where: ['record'], meaning: 'another attempt is running the same effect (retried)' },
  batch_not_committed: { kind: 'internal', status: 500, where: ['record'], meaning: 'a batch handler returned without committing its batch' },
  batch_runs_failed: { kind: 'internal', status: 500, where: ['log'], meaning: 'runs of a batch failed; each is retried on its own' },
  commit_twice: { kind: 'internal', status: 500, where: ['record'], meaning: 'a batch handler committed its batch twice' },
  upstream_unavailable: { kind: 'unavailable', status: 503, where: ['record'], meaning: 'the external service answered 429 or 5xx after the client’s attempts (retried)' },
  upstream_timeout: { kind: 'unavailable', status: 503, where: ['record'], meaning: 'the external service did not answer in time (retried)' },
  upstream_unreachable: { kind: 'unavailable', status: 503, where: ['record'], meaning: 'the external service could not be reached (retried)' },
  upstream_rejected: { kind: 'invalid', status: 400, where: ['record'], meaning: 'the external service answered 4xx (not retried)' },
  url_invalid: { kind: 'invalid', status: 400, where: ['record'], meaning: 'an outbound request to something that is not an http(s) URL' },
  address_not_allowed: { kind: 'invalid', status: 400, where: ['record'], meaning: 'an outbound request to a non-public address the deployment does not allow' },
  carrier_payload_invalid: { kind: 'invalid', status: 400, where: ['record'], meaning: 'a carrier’s update that cannot be read (not retried)' },
  carrier_auth_refused: {
    kind: 'invalid',
    status: 400,
    where: ['record'],
    meaning: 'a UPS or FedEx poller: the carrier’s OAuth token endpoint refused the deployment’s client id and secret, or the carrier refused a token just issued (not retried)',
  },
  settlement_pending: { kind: 'unavailable', status: 503, where: ['record'], meaning: 'a message held unsettled (`settleLater`) until it is settled or its deadline passes: on its retry record, not a failure' },
  nacked: { kind: 'unavailable', status: 503, where: ['record'], meaning: 'a message left unsettled was nacked: delivered again after a backoff (a dead letter once the route’s attempts are spent)' },
  rejected: { kind: 'invalid', status: 400, where: ['record'], meaning: 'a message left unsettled was rejected: dead-lettered, not retried' },
  settlement_lapsed: { kind: 'unavailable', status: 503, where: ['record'], meaning: 'a message left unsettled was not settled before its deadline: delivered again as its next attempt (a dead letter after the route’s last)' },
  reply_topic_unknown: { kind: 'invalid', status: 400, where: ['record'], meaning: 'a request’s `replyto` names no topic: its reply cannot be published (not retried)' },
  reply_invalid: { kind: 'invalid', status: 400, where: ['record'], meaning: 'an output (or a received reply) that does not fit the reply topic’s payload (not retried)' },
  reply_topic_undeclared: { kind: 'internal', status: 500, where: ['record'], meaning: 'a handler awaits a reply on a topic its route does not declare in `replies` (the worker would not consume it)' },
  settle_later_unsupported: { kind: 'internal', status: 500, where: ['record'], meaning: '`settleLater` where a message cannot be held: twice in a run, after `commit`, without a transport delivery, or a deadline that is not a whole number of milliseconds from 1 to 7 days' },

  // The composed API (api-root)
  app_unreachable: { kind: null, status: 502, where: ['REST', 'GraphQL'], meaning: 'the composed API: the app that owns the path or field did not answer (down, refusing connections or over UPSTREAM_TIMEOUT_MS)' },

  // Messaging
  message_malformed: { kind: 'invalid', status: 400, where: ['record'], meaning: 'a Kafka record that is not a Tributary CloudEvent' },
  queue_header_invalid: { kind: 'invalid', status: 400, where: ['record', 'log'], meaning: 'a queue header (priority, notBefore/delay, expiresAt/TTL, replyTo, inReplyTo, routingKey, headers) out of its bounds: refused at publish (nothing is published), or a received envelope whose queue attribute is ill-formed (dead-lettered)' },
  expired: { kind: 'invalid', status: 400, where: ['record'], meaning: 'a message past its `expires` time (TTL): never handed to a handler, dead-lettered' },
  topic_not_provisioned: { kind: 'unavailable', status: 503, where: ['REST', 'record'], meaning: 'a topic or partition of the message log is missing (migrations not run)' },

  // The CLI (exit code 2 for a usage error, 1 for a failed call)
  command_missing: { kind: null, status: null, where: ['CLI'], meaning: 'no command given' },
  command_unknown: { kind: null, status: null, where: ['CLI', 'command'], meaning: 'no such command (CLI) or app command (exit code 2)' },
  option_invalid: { kind: null, status: null, where: ['CLI'], meaning: 'an option or argument of the wrong form' },
  option_missing: { kind: null, status: null, where: ['CLI'], meaning: 'a required option is missing' },
  argument_missing: { kind: null, status: null, where: ['CLI'], meaning: 'a positional argument is missing' },
  config_invalid: { kind: null, status: null, where: ['CLI'], meaning: 'an app URL is not http(s), or the admin key file cannot be read' },
  admin_key_missing: { kind: null, status: null, where: ['CLI'], meaning: 'no admin key (TRIBUTARY_ADMIN_KEY or the key file)' },
  api_key_missing: { kind: null, status: null, where: ['CLI'], meaning: 'no tenant key (TRIBUTARY_API_KEY)' },
  gateway_unreachable: { kind: null, status: null, where: ['CLI'], meaning: 'the gateway (or a webhook URL) did not answer' },
  event_store_unreachable: { kind: null, status: null, where: ['CLI'], meaning: 'the event store did not answer' },
  worker_unreachable: { kind: null, status: null, where: ['CLI'], meaning: 'the integration worker did not answer' },
  rebuild_failed: { kind: null, status: null, where: ['CLI'], meaning: 'a projection rebuild the CLI waited for failed' },

  // An app's one-shot commands (`node dist/apps/<app>/main.js <command>`, exit code 1)
  migrate_failed: { kind: null, status: null, where: ['command'], meaning: '`migrate` failed' },
  uninstall_failed: { kind: null, status: null, where: ['command'], meaning: '`uninstall` (the change-sink’s capture) failed' },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * The part before `suffix` of every code that ends with it — for a producer that builds a code from a
 * name: `` notFound = (resource: ErrorCodePrefix<'_not_found'>) => new TributaryError('not_found', `${resource}_not_found`, …) ``.
 */
export type ErrorCodePrefix<Suffix extends string> = ErrorCode extends infer C ? (C extends `${infer Prefix}${Suffix}` ? Prefix : never) : never;

export const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(ERROR_CODES, code);

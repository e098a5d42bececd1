import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import { Matches } from 'class-validator';
import { OperatorDeadLetter } from '../operator.dto.js';

@ArgsType()
export class TraceArgs {
  @Field({ description: 'A trace id (32 hex digits, as the ingress answers it) or an event id (a UUID)' })
  @Matches(/^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i, { message: 'id must be a trace id (32 hex digits) or an event id (a UUID)' })
  id: string;
}

@ObjectType({ description: 'An ingest log entry of the traced event: the delivery (or pushed document) it came in as' })
export class TraceIngest {
  @Field({ description: 'When it was answered (ISO 8601)' })
  at: string;
  @Field({ description: 'The tenant' })
  tenantId: string;
  @Field({ description: 'webhook, api_key or action' })
  actorKind: string;
  @Field({ description: 'The webhook (or key, action) it came through' })
  actorId: string;
  @Field(() => Int, { description: 'The HTTP status answered' })
  status: number;
  @Field(() => String, { nullable: true, description: 'The error code of a refusal' })
  code: string | null;
  @Field(() => String, { nullable: true, description: 'The topic it was published to' })
  topic: string | null;
  @Field(() => String, { nullable: true, description: 'The event it became' })
  eventId: string | null;
  @Field(() => String, { nullable: true, description: 'The trace id answered' })
  traceId: string | null;
}

@ObjectType({ description: 'A message of the traced path on the log (the event itself and what followed from it)' })
export class TraceMessage {
  @Field({ description: 'The topic' })
  topic: string;
  @Field(() => Int, { description: 'Its partition' })
  partition: number;
  @Field({ description: 'Its offset (a string)' })
  offset: string;
  @Field({ description: 'The message (event) id' })
  messageId: string;
  @Field(() => String, { nullable: true, description: 'The message it follows from' })
  causationId: string | null;
  @Field(() => String, { nullable: true, description: 'The tenant' })
  tenantId: string | null;
  @Field(() => String, { nullable: true, description: 'Its subject' })
  subject: string | null;
  @Field(() => String, { nullable: true, description: 'The app that published it' })
  source: string | null;
  @Field({ description: 'When it was appended (ISO 8601)' })
  appendedAt: string;
  @Field(() => [String], { description: 'The consumers that have handled it (their inbox claims)' })
  handledBy: string[];
}

@ObjectType({ description: 'A handler run of the integration worker' })
export class OperatorRun {
  @Field({ description: 'The run id' })
  id: string;
  @Field({ description: 'The tenant' })
  tenantId: string;
  @Field({ description: 'The integration' })
  integration: string;
  @Field({ description: 'Its method' })
  method: string;
  @Field({ description: 'topic, schedule or manual' })
  trigger: string;
  @Field(() => String, { nullable: true, description: 'The message it handled' })
  messageId: string | null;
  @Field({ description: 'init, ok, fail, skip or pending' })
  state: string;
  @Field(() => Int, { description: 'The attempt' })
  attempt: number;
  @Field({ description: 'When it started (ISO 8601)' })
  startedAt: string;
  @Field(() => Int, { nullable: true, description: 'How long it took (ms)' })
  durationMs: number | null;
  @Field(() => String, { nullable: true, description: 'Why it failed' })
  errorCode: string | null;
}

@ObjectType({ description: 'An event of the traced path in the event store, and which projections have read past it' })
export class TraceStoredEvent {
  @Field({ description: 'The event id' })
  eventId: string;
  @Field({ description: 'Its type' })
  type: string;
  @Field({ description: 'Its stream' })
  streamId: string;
  @Field({ description: 'Its position in the log (a string)' })
  position: string;
  @Field({ description: 'When it was recorded (ISO 8601)' })
  recordedAt: string;
  @Field(() => [String], { description: 'Projections whose live tables are past it in commit order (those of its type have applied it)' })
  projectionsPast: string[];
}

@ObjectType({ description: 'The whole path of one event: in, on the log, handled, run, stored, projected, or dead-lettered' })
export class OperatorTrace {
  @Field({ description: 'The id searched for' })
  id: string;
  @Field(() => [TraceIngest], { description: 'The ingest log entries with this trace id or event id' })
  ingest: TraceIngest[];
  @Field(() => [TraceMessage], { description: 'The messages of its path (same correlation or trace), in append order' })
  messages: TraceMessage[];
  @Field(() => [OperatorRun], { description: 'The runs that handled those messages' })
  runs: OperatorRun[];
  @Field(() => [TraceStoredEvent], { description: 'Those messages as events in the event store' })
  events: TraceStoredEvent[];
  @Field(() => [OperatorDeadLetter], { description: 'Dead letters of those messages' })
  deadLetters: OperatorDeadLetter[];
}

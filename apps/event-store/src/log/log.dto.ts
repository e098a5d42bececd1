import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { JsonObjectScalar } from '../graphql/json.scalar.js';
import type { StreamInfo } from './event-log.js';
import type { StoredEvent } from './stored-event.js';

/** An event as the query API shows it (REST and GraphQL). The tenant is the caller's, so it is left out. */
@ObjectType('StoredEvent', { description: 'An event of the log' })
export class EventView {
  @ApiProperty({ format: 'uuid' })
  @Field(() => ID, { description: 'Unique within the tenant; appending it again is a no-op' })
  eventId: string;

  @ApiProperty({ example: 'tracking-PKG-1' })
  @Field({ description: 'The stream it belongs to' })
  streamId: string;

  @ApiProperty({ description: "Its place in the stream: 1 for the stream's first event" })
  @Field(() => Int, { description: "Its place in the stream: 1 for the stream's first event" })
  streamVersion: number;

  @ApiProperty({ example: 'tracking.package.updated', description: 'The topic name' })
  @Field({ description: 'The topic name' })
  type: string;

  @ApiProperty()
  @Field(() => Int, { description: "The topic's payload version" })
  topicVersion: number;

  @ApiProperty({ description: 'Global position (insert order; commit order is given by cursor)' })
  @Field(() => Float, { description: 'Global position (insert order; commit order is given by cursor)' })
  position: number;

  @ApiProperty({ example: '1234.567', description: 'Where the event stands in commit order; read $all after it to continue' })
  @Field({ description: 'Where the event stands in commit order; read $all after it to continue' })
  cursor: string;

  @ApiProperty({ type: 'object', additionalProperties: true })
  @Field(() => JsonObjectScalar, { description: "The payload, valid against the topic's schema" })
  data: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'source, traceparent, correlationId, causationId …' })
  @Field(() => JsonObjectScalar, { description: 'source, traceparent, correlationId, causationId and the appender’s own fields' })
  metadata: Record<string, unknown>;

  @ApiProperty({ format: 'date-time' })
  @Field({ description: 'When it happened, according to its producer (ISO-8601)' })
  occurredAt: string;

  @ApiProperty({ format: 'date-time' })
  @Field({ description: 'When the log stored it (ISO-8601)' })
  recordedAt: string;
}

export const toEventView = (event: StoredEvent): EventView => ({
  eventId: event.eventId,
  streamId: event.streamId,
  streamVersion: event.streamVersion,
  type: event.type,
  topicVersion: event.topicVersion,
  position: event.position,
  cursor: event.cursor,
  data: event.data,
  metadata: event.metadata,
  occurredAt: event.occurredAt.toISOString(),
  recordedAt: event.recordedAt.toISOString(),
});

@ObjectType('EventStream', { description: "A stream of the caller's tenant" })
export class StreamView {
  @ApiProperty({ example: 'tracking-PKG-1' })
  @Field({ description: 'The stream id' })
  streamId: string;

  @ApiProperty({ description: 'Its number of events = the version of its last event' })
  @Field(() => Int, { description: 'Its number of events = the version of its last event' })
  version: number;

  @ApiProperty({ format: 'date-time' })
  @Field({ description: 'When its first event was stored' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  @Field({ description: 'When its last event was stored' })
  updatedAt: string;
}

export const toStreamView = (stream: StreamInfo): StreamView => ({
  streamId: stream.streamId,
  version: stream.version,
  createdAt: stream.createdAt.toISOString(),
  updatedAt: stream.updatedAt.toISOString(),
});

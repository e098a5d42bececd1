import { Field, Float, ID, Int, InputType, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { allTopics } from '@tributary/topics';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject, IsOptional, IsString, ValidateBy, ValidateNested } from 'class-validator';
import { JsonObjectScalar } from '../../graphql/json.scalar.js';
import { EXPECTED_VERSION_KEYWORDS, isExpectedVersion, type ExpectedVersion } from '../expected-version.js';

export const MAX_EVENTS_PER_APPEND = 1000;

@InputType('AppendEventInput', { description: 'An event to append' })
export class AppendEventInput {
  @ApiProperty({ format: 'uuid', required: false, description: 'Makes the append idempotent: repeat it with the same id. Default: a new UUIDv7' })
  @Field(() => ID, { nullable: true, description: 'Makes the append idempotent: repeat it with the same id. Default: a new UUIDv7' })
  @IsOptional()
  @IsString()
  eventId?: string;

  @ApiProperty({ enum: allTopics.map((t) => t.name), description: 'A topic of the registry; data must match its schema' })
  @Field({ description: 'A topic of the registry; data must match its schema' })
  @IsString()
  type: string;

  @ApiProperty({ type: 'object', additionalProperties: true })
  @Field(() => JsonObjectScalar, { description: "The payload, validated against the topic's schema" })
  @IsObject()
  data: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Your own fields, stored with the event' })
  @Field(() => JsonObjectScalar, { nullable: true, description: 'Your own fields, stored with the event' })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;

  @ApiProperty({ format: 'date-time', required: false, description: 'When it happened (ISO-8601). Default: now' })
  @Field({ nullable: true, description: 'When it happened (ISO-8601). Default: now' })
  @IsOptional()
  @IsString()
  occurredAt?: string;
}

export class AppendToStreamBody {
  @ApiProperty({
    required: false,
    default: 'any',
    oneOf: [{ type: 'string', enum: [...EXPECTED_VERSION_KEYWORDS] }, { type: 'integer', minimum: 0 }],
    description: 'any | no-stream | stream-exists | the exact current version (0 = no events); a mismatch is 409 wrong_expected_version',
  })
  @IsOptional()
  @ValidateBy({
    name: 'isExpectedVersion',
    validator: { validate: isExpectedVersion, defaultMessage: () => 'expectedVersion must be any, no-stream, stream-exists or an integer >= 0' },
  })
  expectedVersion?: ExpectedVersion;

  @ApiProperty({ type: [AppendEventInput], minItems: 1, maxItems: MAX_EVENTS_PER_APPEND })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_EVENTS_PER_APPEND)
  @ValidateNested({ each: true })
  @Type(() => AppendEventInput)
  events: AppendEventInput[];
}

@ObjectType('AppendedEvent', { description: 'Where an appended event was stored' })
export class AppendedEventView {
  @ApiProperty({ format: 'uuid' })
  @Field(() => ID, { description: 'The event id' })
  eventId: string;
  @ApiProperty()
  @Field(() => Int, { description: 'Its version in the stream' })
  streamVersion: number;
  @ApiProperty()
  @Field(() => Float, { description: 'Its global position' })
  position: number;
  @ApiProperty({ description: 'Its place in commit order' })
  @Field({ description: 'Its place in commit order' })
  cursor: string;
}

@ObjectType('AppendToStreamResult', { description: 'The outcome of an append' })
export class AppendResultView {
  @ApiProperty()
  @Field({ description: 'The stream appended to' })
  streamId: string;
  @ApiProperty({ description: "The stream's version after the append" })
  @Field(() => Int, { description: "The stream's version after the append (for a repeat: the repeated events' last version)" })
  streamVersion: number;
  @ApiProperty({ description: 'False when every event was already stored: nothing was written and the originals are returned' })
  @Field({ description: 'False when every event was already stored: nothing was written and the originals are returned' })
  appended: boolean;
  @ApiProperty({ type: [AppendedEventView] })
  @Field(() => [AppendedEventView], { description: 'The events, in the order given' })
  events: AppendedEventView[];
}

import { Field, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { EventView } from '../log.dto.js';
import { PageParams } from '../page-params.js';
import { MAX_STREAM_VERSION } from './read-stream.query.js';

@ObjectType('EventStreamPage', { description: 'A page of a stream, by version' })
export class StreamEventsView {
  @ApiProperty()
  @Field({ description: 'The stream' })
  streamId: string;
  @ApiProperty({ description: "The stream's current version" })
  @Field(() => Int, { description: "The stream's current version" })
  version: number;
  @ApiProperty({ type: [EventView] })
  @Field(() => [EventView], { description: 'Events in the direction asked' })
  events: EventView[];
  @ApiProperty({ type: Number, nullable: true, description: 'Pass as `from` for the next page; null at the end' })
  @Field(() => Int, { nullable: true, description: 'Pass as `from` for the next page; null at the end' })
  next: number | null;
}

export class ReadStreamParams extends PageParams {
  @ApiProperty({ required: false, minimum: 0, maximum: MAX_STREAM_VERSION, description: 'The version to start at (inclusive). Default: 1 forward, the last one backward' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_STREAM_VERSION)
  from?: number;

  @ApiProperty({ required: false, enum: ['forward', 'backward'], default: 'forward' })
  @IsOptional()
  @IsIn(['forward', 'backward'])
  direction?: 'forward' | 'backward';
}

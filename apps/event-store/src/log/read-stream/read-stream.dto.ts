import { Field, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { EventView } from '../log.views.js';

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

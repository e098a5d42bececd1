import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';

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

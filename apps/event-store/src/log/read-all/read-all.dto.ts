import { Field, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { EventView } from '../log.views.js';

@ObjectType('StoredEventPage', { description: "A page of the tenant's $all, in commit order" })
export class EventPageView {
  @ApiProperty({ type: [EventView] })
  @Field(() => [EventView], { description: 'Events in commit order' })
  events: EventView[];
  @ApiProperty({ example: '1234.567', description: 'Pass as `after` to continue; an empty page means nothing newer has committed yet' })
  @Field({ description: 'Pass as `after` to continue; an empty page means nothing newer has committed yet' })
  cursor: string;
}

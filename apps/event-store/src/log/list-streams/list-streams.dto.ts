import { Field, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { StreamView } from '../log.views.js';

@ObjectType('EventStreamList', { description: "A page of the tenant's streams, in id order" })
export class StreamListView {
  @ApiProperty({ type: [StreamView] })
  @Field(() => [StreamView], { description: 'The streams' })
  streams: StreamView[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `after` for the next page; null on the last one' })
  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page; null on the last one' })
  next: string | null;
}

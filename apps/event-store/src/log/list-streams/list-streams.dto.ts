import { Field, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { StreamView } from '../log.dto.js';
import { PageParams } from '../page-params.js';

@ObjectType('EventStreamList', { description: "A page of the tenant's streams, in id order" })
export class StreamListView {
  @ApiProperty({ type: [StreamView] })
  @Field(() => [StreamView], { description: 'The streams' })
  streams: StreamView[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `after` for the next page; null on the last one' })
  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page; null on the last one' })
  next: string | null;
}

export class ListStreamsParams extends PageParams {
  @ApiProperty({ required: false, description: 'Only streams whose id starts with this, e.g. "tracking-"' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  prefix?: string;

  @ApiProperty({ required: false, description: 'The `next` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  after?: string;
}

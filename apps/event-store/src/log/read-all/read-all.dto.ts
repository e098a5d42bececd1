import { Field, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { allTopics } from '@tributary/topics';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsISO8601, IsOptional, IsString, Matches } from 'class-validator';
import { EventView } from '../log.dto.js';
import { PageParams } from '../page-params.js';

@ObjectType('StoredEventPage', { description: "A page of the tenant's $all, in commit order" })
export class EventPageView {
  @ApiProperty({ type: [EventView] })
  @Field(() => [EventView], { description: 'Events in commit order' })
  events: EventView[];
  @ApiProperty({ example: '1234.567', description: 'Pass as `after` to continue; an empty page means nothing newer has committed yet' })
  @Field({ description: 'Pass as `after` to continue; an empty page means nothing newer has committed yet' })
  cursor: string;
}

export class ReadAllParams extends PageParams {
  @ApiProperty({ required: false, type: [String], enum: allTopics.map((t) => t.name), description: 'Only these types (repeat the parameter)' })
  @IsOptional()
  @Transform(({ value }) => (Array.isArray(value) ? value : [value]))
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  type?: string[];

  @ApiProperty({ required: false, format: 'date-time', description: 'Recorded at or after' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiProperty({ required: false, format: 'date-time', description: 'Recorded before' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiProperty({ required: false, example: '1234.567', description: 'The `cursor` of the previous page (or of an event)' })
  @IsOptional()
  @Matches(/^\d{1,20}\.\d{1,19}$/, { message: 'after must be a cursor (<digits>.<digits>)' })
  after?: string;
}

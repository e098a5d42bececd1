import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

/** `?limit=&after=` on every list route, and the same two arguments on every GraphQL list field. */
@ArgsType()
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE, description: 'Items per page' })
  @Field(() => Int, { nullable: true, description: `Items per page (1–${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE})` })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: "The previous page's nextCursor" })
  @Field({ nullable: true, description: "The previous page's nextCursor; omit for the first page" })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  after?: string;
}

export interface Page<T> {
  readonly data: T[];
  /** Pass as `after` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

/** The page type of one item type, for OpenAPI and GraphQL alike (`<Name>Page { data, nextCursor }`). */
export function PageOf<T>(item: new () => T, name: string): new () => Page<T> {
  @ObjectType(`${name}Page`, { description: `One page of ${name} items, in creation order` })
  class PageOfItems implements Page<T> {
    @ApiProperty({ type: [item] })
    @Field(() => [item], { description: 'The items of this page' })
    data: T[];

    @ApiProperty({ type: String, nullable: true, description: 'Pass as `after` for the next page; null on the last page' })
    @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page; null on the last page' })
    nextCursor: string | null;
  }
  Object.defineProperty(PageOfItems, 'name', { value: `${name}Page` });
  return PageOfItems;
}

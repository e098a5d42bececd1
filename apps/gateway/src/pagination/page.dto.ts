import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Queryable } from '@tributary/database';
import { TributaryError } from '@tributary/domain';
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

interface Position {
  readonly at: string;
  readonly id: string;
}

const CURSOR_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Opaque to clients: the (created_at, id) of the last item, with the database's microseconds. */
export const encodeCursor = (position: Position): string => Buffer.from(`${position.at}|${position.id}`, 'utf8').toString('base64url');

export function decodeCursor(cursor: string): Position {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || !CURSOR_TIMESTAMP.test(at) || !UUID.test(id)) {
    throw new TributaryError('invalid', 'cursor_invalid', 'after is not a cursor this API returned');
  }
  return { at, id };
}

/** Selects the cursor position of a row; add to the select list of a paginated query. */
export const cursorColumns = (alias: string) =>
  `to_char(${alias}.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at, ${alias}.id AS cursor_id`;

/**
 * Keyset pagination in creation order: `sql` is a SELECT (including `cursorColumns(alias)`) ending
 * in a WHERE clause; the page condition, order and limit are appended here.
 */
export async function paginate<Row, T>(
  q: Queryable,
  sql: string,
  params: unknown[],
  alias: string,
  page: PageQuery,
  map: (row: Row) => T,
): Promise<Page<T>> {
  const limit = page.limit ?? DEFAULT_PAGE_SIZE;
  const after = page.after ? decodeCursor(page.after) : undefined;
  const n = params.length;
  const rows = await q.query<Row & { cursor_at: string; cursor_id: string }>(
    `${sql} ${after ? `AND (${alias}.created_at, ${alias}.id) > ($${n + 1}::timestamptz, $${n + 2}::uuid)` : ''}
     ORDER BY ${alias}.created_at, ${alias}.id LIMIT ${limit + 1}`,
    after ? [...params, after.at, after.id] : params,
  );
  const more = rows.length > limit;
  const data = rows.slice(0, limit);
  const last = data.at(-1);
  return { data: data.map(map), nextCursor: more && last ? encodeCursor({ at: last.cursor_at, id: last.cursor_id }) : null };
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

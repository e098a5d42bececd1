import { cursorTimestampSql, decodeCursor, encodeCursor } from '@tributary/database';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { DEFAULT_PAGE_SIZE, type Page, type PageQuery } from './page.dto.js';

/** The cursor (the (created_at, id) of a page's last item) is the platform's keyset cursor, shared with the worker. */
export { decodeCursor, encodeCursor };

/** The raw row of a paginated query: what `addSelect` added, by alias, beside the cursor position. */
export type RawRow = Record<string, unknown>;

/**
 * Keyset pagination in creation order over a query builder of one entity (`alias`, with `created_at` and `id`
 * columns): the page condition, order and limit are added here. `map` gets each entity with its raw row, so that
 * values selected with `addSelect(expression, name)` reach the view.
 */
export async function paginate<E extends ObjectLiteral & { id: string }, T>(
  query: SelectQueryBuilder<E>,
  alias: string,
  page: PageQuery,
  map: (entity: E, raw: RawRow) => T,
): Promise<Page<T>> {
  const limit = page.limit ?? DEFAULT_PAGE_SIZE;
  const after = page.after ? decodeCursor(page.after) : undefined;
  // The cursor keeps the database's microseconds, which a JavaScript Date would round away.
  query.addSelect(cursorTimestampSql(`${alias}.created_at`), 'cursor_at');
  if (after) {
    query.andWhere(`(${alias}.created_at, ${alias}.id) > (:afterAt::timestamptz, :afterId::uuid)`, { afterAt: after.at, afterId: after.id });
  }
  const { entities, raw } = await query
    .orderBy(`${alias}.created_at`)
    .addOrderBy(`${alias}.id`)
    .limit(limit + 1)
    .getRawAndEntities<RawRow>();
  const more = entities.length > limit;
  const data = entities.slice(0, limit);
  const last = data.at(-1);
  const lastRaw = raw[data.length - 1];
  return {
    data: data.map((entity, i) => map(entity, raw[i])),
    nextCursor: more && last && lastRaw ? encodeCursor({ at: String(lastRaw.cursor_at), id: last.id }) : null,
  };
}

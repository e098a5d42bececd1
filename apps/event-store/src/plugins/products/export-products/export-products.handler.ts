import { createHash } from 'node:crypto';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { TenantContext, TenantRepository, withTenant } from '@tributary/tenancy';
import { DataSource, type SelectQueryBuilder } from 'typeorm';
import { ProductEntity } from '../product.entity.js';
import type { ProductFeedItem } from './export-products.dto.js';
import { ExportProducts } from './export-products.query.js';

/** Rows read per statement: the memory a feed holds at once, whatever the catalog's size. */
export const FEED_PAGE_SIZE = 500;

@QueryHandler(ExportProducts)
export class ExportProductsHandler implements IQueryHandler<ExportProducts> {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One tenant transaction: the ETag from the rows' state first, then the rows by SKU, a page at a
   * time (keyset), each written and drained before the next is read — memory stays at one page.
   */
  async execute({ caller, format, filter, sink }: ExportProducts): Promise<'sent' | 'not_modified'> {
    const tenant = TenantContext.of(caller);
    return withTenant(this.dataSource, tenant, async (manager) => {
      const products = new TenantRepository(manager, ProductEntity, tenant);
      const filtered = (alias: string): SelectQueryBuilder<ProductEntity> => {
        const query = products.query(alias);
        if (filter.inStock === true) query.andWhere(`${alias}.stock > 0`);
        if (filter.inStock === false) query.andWhere(`${alias}.stock = 0`);
        if (filter.currency) query.andWhere(`${alias}.currency = :currency`, { currency: filter.currency });
        return query;
      };
      const state = await products
        .query('p')
        .select('count(*)', 'rows')
        .addSelect('coalesce(sum(coalesce(p.productPosition, 0) + coalesce(p.offerPosition, 0)), 0)', 'positions')
        .addSelect('coalesce(greatest(max(p.productPosition), max(p.offerPosition)), 0)', 'newest')
        .getRawOne<{ rows: string; positions: string; newest: string }>();
      if (!sink.begin(etagOf(format, filter, state!))) return 'not_modified';
      let after: string | undefined;
      for (;;) {
        const page = filtered('p');
        if (after !== undefined) page.andWhere('p.sku > :after', { after });
        const rows = await page.orderBy('p.sku', 'ASC').limit(FEED_PAGE_SIZE).getMany();
        if (rows.length > 0 && !(await sink.write(rows.map(toFeedItem)))) return 'sent';
        if (rows.length < FEED_PAGE_SIZE) break;
        after = rows[rows.length - 1].sku;
      }
      sink.end();
      return 'sent';
    });
  }
}

/**
 * A strong validator of the tenant's feed: every change of a row moves one of its registers to
 * another event, whose log position is unique, so the rows' count and the sum and maximum of the
 * positions they hold change with it. The format and filters are part of it (another representation).
 */
const etagOf = (format: string, filter: object, state: { rows: string; positions: string; newest: string }): string =>
  `"${createHash('sha256')
    .update(JSON.stringify([format, filter, state.rows, state.positions, state.newest]))
    .digest('base64url')
    .slice(0, 27)}"`;

const toFeedItem = (row: ProductEntity): ProductFeedItem => ({
  sku: row.sku,
  name: row.name,
  description: row.description,
  brand: row.brand,
  gtin: row.gtin,
  url: row.url,
  imageUrl: row.imageUrl,
  price: row.price,
  currency: row.currency,
  stock: row.stock,
  availability: row.stock === null ? 'unknown' : row.stock > 0 ? 'in_stock' : 'out_of_stock',
  updatedAt: newest(row.productAt, row.offerAt)?.toISOString() ?? null,
});

const newest = (a: Date | null, b: Date | null): Date | null => (a && b ? (a > b ? a : b) : (a ?? b));

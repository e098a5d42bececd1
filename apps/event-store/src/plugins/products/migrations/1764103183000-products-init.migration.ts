import { tenantIsolationSql } from '@tributary/tenancy';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The products plugin's table (the product data feed), behind row-level security (the feed reads in tenant transactions). */
export class ProductsInit1764103183000 implements MigrationInterface {
  name = 'ProductsInit1764103183000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE event_store.products (
        tenant_id uuid NOT NULL,
        sku text NOT NULL,
        name text,
        description text,
        brand text,
        gtin text,
        url text,
        image_url text,
        product_at timestamptz,
        product_position bigint,
        price numeric,
        currency text,
        stock int,
        offer_source text,
        offer_at timestamptz,
        offer_position bigint,
        PRIMARY KEY (tenant_id, sku)
      )`);
    for (const sql of tenantIsolationSql('event_store.products', { privileges: ['SELECT'] })) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE event_store.products`);
  }
}

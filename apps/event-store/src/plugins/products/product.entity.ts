import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * `event_store.products`: one row per product (SKU) and tenant — the product data feed. Two registers,
 * each moved only by a newer event (its time, then its log position): the description from
 * catalog.product.upserted (`product_*`), and the offer — price, currency, stock — from whichever of
 * catalog.product.upserted and catalog.stock-price.synced is newer (`offer_*`).
 */
@Entity({ schema: 'event_store', name: 'products' })
export class ProductEntity {
  @PrimaryColumn('uuid', { name: 'tenant_id' })
  tenantId: string;

  @PrimaryColumn('text')
  sku: string;

  @Column('text', { nullable: true })
  name: string | null;

  @Column('text', { nullable: true })
  description: string | null;

  @Column('text', { nullable: true })
  brand: string | null;

  @Column('text', { nullable: true })
  gtin: string | null;

  @Column('text', { nullable: true })
  url: string | null;

  @Column('text', { name: 'image_url', nullable: true })
  imageUrl: string | null;

  @Column('timestamptz', { name: 'product_at', nullable: true })
  productAt: Date | null;

  @Column('bigint', { name: 'product_position', nullable: true })
  productPosition: string | null;

  /** Exactly as the source gave it (`numeric` keeps the digits: 19.90 stays 19.90). */
  @Column('numeric', { nullable: true })
  price: string | null;

  @Column('text', { nullable: true })
  currency: string | null;

  @Column('int', { nullable: true })
  stock: number | null;

  @Column('text', { name: 'offer_source', nullable: true })
  offerSource: string | null;

  @Column('timestamptz', { name: 'offer_at', nullable: true })
  offerAt: Date | null;

  @Column('bigint', { name: 'offer_position', nullable: true })
  offerPosition: string | null;
}

import { IsISO8601, IsOptional, IsString, IsUrl, MaxLength, MinLength } from 'class-validator';
import { defineTopic } from '../topic.js';
import { CatalogOffer } from './catalog-offer.js';

/** A product was created or changed in the tenant's catalog (a shop, a PIM): its description, and its offer when known. */
export class ProductUpserted extends CatalogOffer {
  /** When the product changed at its source: an older upsert never overwrites a newer one. */
  @IsISO8601({ strict: true })
  updatedAt: string;

  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  name: string;

  @IsOptional()
  @IsString()
  @MaxLength(65536)
  description?: string;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  brand?: string;

  /** GTIN / EAN. */
  @IsOptional()
  @IsString()
  @MaxLength(14)
  gtin?: string;

  @IsOptional()
  @IsUrl({ require_tld: false })
  @MaxLength(2048)
  url?: string;

  @IsOptional()
  @IsUrl({ require_tld: false })
  @MaxLength(2048)
  imageUrl?: string;
}

export const productUpserted = defineTopic({
  name: 'catalog.product.upserted',
  version: 1,
  description: "A product was created or changed in the tenant's catalog (the product data feed's rows).",
  payload: ProductUpserted,
  key: (p) => p.sku,
});

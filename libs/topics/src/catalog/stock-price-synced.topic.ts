import { IsISO8601 } from 'class-validator';
import { defineTopic } from '../topic.js';
import { CatalogOffer } from './catalog-offer.js';

/** A product's stock and/or price as an external system (ERP, warehouse) reported them at `syncedAt`. */
export class StockPriceSynced extends CatalogOffer {
  /** When the external system was read: an older sync never overwrites a newer one. */
  @IsISO8601({ strict: true })
  syncedAt: string;
}

export const stockPriceSynced = defineTopic({
  name: 'catalog.stock-price.synced',
  version: 1,
  description: "A product's stock and price, pulled from an external system by the catalog integration.",
  payload: StockPriceSynced,
  key: (p) => p.sku,
});

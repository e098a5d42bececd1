import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, Matches } from 'class-validator';
import { defineTopic } from '../topic.js';
import { SKU_PATTERN } from './catalog-offer.js';

/**
 * Pull stock and price from the external system of a catalog deployment (what its scheduled action
 * fires; `{}` pulls everything the system lists).
 */
export class StockPullRequested {
  /** Only these SKUs (a run by hand after a complaint, say). */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @Matches(SKU_PATTERN, { each: true, message: 'each of skus must be a SKU (1–128 letters, digits, ".", "_", "-" or "/")' })
  skus?: string[];
}

export const stockPullRequested = defineTopic({
  name: 'catalog.stock-pull.requested',
  version: 1,
  description: "Pull stock and price from a catalog deployment's external system (the catalog integration's scheduled action).",
  payload: StockPullRequested,
  key: () => 'stock-pull',
});

import { IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { Topics } from '@tributary/topics';
import { defineIntegration, route } from '../../sdk/integration.js';
import { PullStockPrice } from './pull-stock-price/pull-stock-price.handler.js';

/** Where a tenant's stock and prices live: an ERP's or warehouse's stock API. */
export class CatalogSourceConfig {
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  baseUrl: string;

  /** The currency of prices the system gives without one. */
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as EUR' })
  currency?: string;

  /** Items asked for per request (default 200). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  pageSize?: number;

  /** Requests per run at most (default 50): a run that reaches it stops there and says so on its run record. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  maxPages?: number;

  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(30_000)
  timeoutMs?: number;
}

export class CatalogSourceCredentials {
  @IsString()
  @IsNotEmpty()
  apiKey: string;
}

export const catalogIntegration = defineIntegration({
  name: 'catalog',
  description: "Pulls stock and prices from the tenant's ERP into the product data feed",
  config: CatalogSourceConfig,
  credentials: CatalogSourceCredentials,
  routes: [
    route({
      method: 'pull-stock-price',
      topic: Topics.stockPullRequested,
      handler: PullStockPrice,
      runs: 'per-action',
      onSuccess: [Topics.stockPriceSynced],
      retry: { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 30_000 },
      timeoutMs: 120_000,
      description: "Read the system's stock and prices (all, or the SKUs asked for) and publish them as catalog.stock-price.synced",
    }),
  ],
});

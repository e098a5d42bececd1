import { Injectable } from '@nestjs/common';
import { NonRetryable } from '@tributary/messaging';
import { PRICE_PATTERN, SKU_PATTERN, type StockPriceSynced, type StockPullRequested } from '@tributary/topics';
import type { HandlerContext, HandlerResult, IntegrationHandler } from '../../../sdk/integration-handler.js';
import type { CatalogSourceConfig, CatalogSourceCredentials } from '../catalog.integration.js';

/** An item of the stock API's answer, as far as the feed needs it (anything else is ignored). */
interface StockItem {
  sku?: unknown;
  price?: unknown;
  currency?: unknown;
  available?: unknown;
  updatedAt?: unknown;
}

interface StockPage {
  items?: unknown;
  nextCursor?: unknown;
}

type PullContext = HandlerContext<StockPriceSynced, CatalogSourceConfig, CatalogSourceCredentials>;

/**
 * The catalog's scheduled pull: reads the ERP's stock API page by page (`GET /v1/stock?limit=&cursor=`,
 * `X-Api-Key`) and returns each product's offer, which the route publishes as catalog.stock-price.synced
 * for the event store's product feed. An item the feed could not take (no SKU, a price that is not a
 * decimal amount, a negative stock) is left out and counted on the run record; a refused key is final
 * (no retry), an unavailable system is retried by the route.
 */
@Injectable()
export class PullStockPrice implements IntegrationHandler<StockPullRequested, StockPriceSynced> {
  async handle(request: StockPullRequested, context: PullContext): Promise<HandlerResult<StockPriceSynced>> {
    const { config, credentials, name } = context.deployment!;
    const pageSize = config.pageSize ?? 200;
    const maxPages = config.maxPages ?? 50;
    const readAt = new Date().toISOString();
    const offers: StockPriceSynced[] = [];
    let rejected = 0;
    let pages = 0;
    let cursor: string | null = null;
    do {
      const url = new URL(`${config.baseUrl.replace(/\/$/, '')}/v1/stock`);
      url.searchParams.set('limit', String(pageSize));
      if (cursor) url.searchParams.set('cursor', cursor);
      for (const sku of request.skus ?? []) url.searchParams.append('sku', sku);
      const answer = await context.http.request({ url: url.toString(), headers: { 'x-api-key': credentials.apiKey }, timeoutMs: config.timeoutMs ?? 10_000 });
      const page = answer.body as StockPage | null;
      if (!page || !Array.isArray(page.items)) throw new NonRetryable('upstream_rejected', 'The stock API answered without an items array');
      for (const item of page.items as StockItem[]) {
        const offer = offerOf(item, config.currency, name, readAt);
        if (offer) offers.push(offer);
        else rejected += 1;
      }
      pages += 1;
      cursor = typeof page.nextCursor === 'string' && page.nextCursor !== '' ? page.nextCursor : null;
    } while (cursor && pages < maxPages);
    context.record({ response: { pages, offers: offers.length, rejected, truncated: cursor !== null } });
    context.logger.info('stock and prices pulled', { pages, offers: offers.length, rejected, truncated: cursor !== null });
    return offers.length > 0 ? offers : context.skip('the stock API listed no products');
  }
}

/** The item as the feed's offer, or null when the feed could not take it. */
function offerOf(item: StockItem, defaultCurrency: string | undefined, source: string, readAt: string): StockPriceSynced | null {
  if (typeof item.sku !== 'string' || !SKU_PATTERN.test(item.sku)) return null;
  const price = typeof item.price === 'number' && Number.isFinite(item.price) && item.price >= 0 ? item.price.toFixed(2) : item.price;
  if (price !== undefined && (typeof price !== 'string' || !PRICE_PATTERN.test(price))) return null;
  const currency = typeof item.currency === 'string' ? item.currency : defaultCurrency;
  if (currency !== undefined && !/^[A-Z]{3}$/.test(currency)) return null;
  const stock = item.available;
  if (stock !== undefined && (typeof stock !== 'number' || !Number.isInteger(stock) || stock < 0 || stock > 2_000_000_000)) return null;
  if (price === undefined && stock === undefined) return null;
  const updatedAt = typeof item.updatedAt === 'string' && !Number.isNaN(Date.parse(item.updatedAt)) ? new Date(item.updatedAt).toISOString() : readAt;
  return {
    sku: item.sku,
    ...(price !== undefined ? { price, ...(currency ? { currency } : {}) } : {}),
    ...(stock !== undefined ? { stock } : {}),
    source: source.slice(0, 255),
    syncedAt: updatedAt,
  };
}

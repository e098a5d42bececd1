import { Topics, type ProductUpserted, type StockPriceSynced } from '@tributary/topics';
import { Projection, ProjectionEventsHandler, type ProjectedEvent, type ProjectedEvents, type ProjectionEventHandler } from '../../projections/projection.js';
import type { ProjectionTable } from '../../projections/projection-table.js';
import { ProductEntity } from './product.entity.js';

/**
 * The product data feed's table, from catalog events. The description and the offer are registers
 * that move only to a newer event — (its time, log position) greater than the one held — so the
 * same event twice, or an old one arriving late, changes nothing; an upsert that carries no offer
 * leaves the offer as the last stock/price sync set it.
 */
@ProjectionEventsHandler(Topics.productUpserted)
export class ApplyProductUpserted implements ProjectionEventHandler<ProductUpserted> {
  async handle({ events, context }: ProjectedEvents<ProductUpserted>): Promise<void> {
    const products = context.table(ProductEntity);
    await products.upsert(
      events.map(({ tenantId, position, data }) => ({
        tenantId,
        sku: data.sku,
        name: data.name,
        description: data.description ?? null,
        brand: data.brand ?? null,
        gtin: data.gtin ?? null,
        url: data.url ?? null,
        imageUrl: data.imageUrl ?? null,
        productAt: data.updatedAt,
        productPosition: String(position),
      })),
      { onlyIfNewer: ['productAt', 'productPosition'] },
    );
    await writeOffer(products, events.filter(({ data }) => hasOffer(data)).map((event) => offerRow(event, event.data.updatedAt)));
  }
}

@ProjectionEventsHandler(Topics.stockPriceSynced)
export class ApplyStockPriceSynced implements ProjectionEventHandler<StockPriceSynced> {
  async handle({ events, context }: ProjectedEvents<StockPriceSynced>): Promise<void> {
    await writeOffer(context.table(ProductEntity), events.filter(({ data }) => hasOffer(data)).map((event) => offerRow(event, event.data.syncedAt)));
  }
}

type Offer = Pick<ProductUpserted, 'sku' | 'price' | 'currency' | 'stock' | 'source'>;

const hasOffer = (data: Offer): boolean => data.price !== undefined || data.stock !== undefined;

/** The offer register: a field the event leaves out keeps its value (price without stock, or stock without price). */
const offerRow = ({ tenantId, position, data }: ProjectedEvent<Offer>, at: string) => ({
  tenantId,
  sku: data.sku,
  price: data.price,
  currency: data.currency,
  stock: data.stock,
  offerSource: data.source ?? null,
  offerAt: at,
  offerPosition: String(position),
});

const writeOffer = async (products: ProjectionTable<ProductEntity>, rows: ReturnType<typeof offerRow>[]) => {
  // Rows giving different fields are written apart, so a left-out field is not overwritten with NULL.
  const groups = new Map<string, ReturnType<typeof offerRow>[]>();
  for (const row of rows) {
    const shape = (['price', 'currency', 'stock'] as const).filter((c) => row[c] !== undefined).join(',');
    groups.set(shape, [...(groups.get(shape) ?? []), row]);
  }
  for (const [shape, group] of groups) {
    const given = shape.split(',').filter(Boolean) as ('price' | 'currency' | 'stock')[];
    await products.upsert(group, { overwrite: [...given, 'offerSource', 'offerAt', 'offerPosition'], onlyIfNewer: ['offerAt', 'offerPosition'] });
  }
};

@Projection({
  name: 'products',
  version: 1,
  entities: [ProductEntity],
  handlers: [ApplyProductUpserted, ApplyStockPriceSynced],
})
export class ProductsProjection {}

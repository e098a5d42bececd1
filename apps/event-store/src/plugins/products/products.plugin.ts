import { definePlugin } from '../event-store-plugin.js';
import { ProductEntity } from './product.entity.js';
import { productsMigrations } from './products.migrations.js';
import { ProductsModule } from './products.module.js';

/** schemabase parity: catalog events → the `products` projection → the product data feed (`/v1/feeds/products.csv|json`). */
export const productsPlugin = definePlugin({
  name: 'products',
  module: ProductsModule,
  entities: [ProductEntity],
  migrations: productsMigrations,
});

import { Module } from '@nestjs/common';
import { ExportProductsController } from './export-products/export-products.controller.js';
import { ExportProductsHandler } from './export-products/export-products.handler.js';
import { ApplyProductUpserted, ApplyStockPriceSynced, ProductsProjection } from './products.projection.js';

/** The products plugin's Nest module: its projection and the feed's routes. */
@Module({
  controllers: [ExportProductsController],
  providers: [ProductsProjection, ApplyProductUpserted, ApplyStockPriceSynced, ExportProductsHandler],
})
export class ProductsModule {}

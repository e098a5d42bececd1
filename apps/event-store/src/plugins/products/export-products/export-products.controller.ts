import { once } from 'node:events';
import { Controller, Get, Headers, Logger, Query, Res, UseGuards, UsePipes } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { validationPipe } from '@tributary/edge';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import type { Response } from 'express';
import { ProductFeedItem, ProductFeedParams } from './export-products.dto.js';
import { ExportProducts, type ProductFeedFormat, type ProductFeedSink } from './export-products.query.js';
import { csvHeader, csvLines, jsonItems } from './product-feed-format.js';

/** schemabase's product data feed: the tenant's products as CSV or JSON, streamed, with a strong ETag. */
@ApiTags('feeds (plugin, schemabase)')
@ApiBearerAuth()
@Controller('v1/feeds')
@UseGuards(ApiKeyGuard)
@UsePipes(validationPipe())
export class ExportProductsController {
  private readonly logger = new Logger('ProductFeed');

  constructor(private readonly queryBus: QueryBus) {}

  @Get('products.csv')
  @ApiOperation({
    operationId: 'FeedsController_productsCsv',
    summary: "The tenant's product data feed as CSV (RFC 4180, one line per SKU, in SKU order)",
    description: 'Streamed page by page. Send the ETag back in If-None-Match: 304 while the feed is unchanged.',
  })
  @ApiProduces('text/csv')
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'An ETag of an earlier answer' })
  @ApiResponse({ status: 200, description: 'The feed (header line, then one line per product)' })
  @ApiResponse({ status: 304, description: 'Unchanged since the ETag given' })
  @ApiResponse({ status: 400, description: 'validation_failed' })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 403, description: 'tenant_required' })
  async csv(@Caller() caller: Principal, @Query() params: ProductFeedParams, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res() response: Response): Promise<void> {
    await this.stream(caller, 'csv', params, ifNoneMatch, response);
  }

  @Get('products.json')
  @ApiOperation({
    operationId: 'FeedsController_productsJson',
    summary: "The tenant's product data feed as a JSON array, in SKU order",
    description: 'Streamed page by page. Send the ETag back in If-None-Match: 304 while the feed is unchanged.',
  })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'An ETag of an earlier answer' })
  @ApiResponse({ status: 200, type: [ProductFeedItem] })
  @ApiResponse({ status: 304, description: 'Unchanged since the ETag given' })
  @ApiResponse({ status: 400, description: 'validation_failed' })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 403, description: 'tenant_required' })
  async json(@Caller() caller: Principal, @Query() params: ProductFeedParams, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res() response: Response): Promise<void> {
    await this.stream(caller, 'json', params, ifNoneMatch, response);
  }

  private async stream(caller: Principal, format: ProductFeedFormat, params: ProductFeedParams, ifNoneMatch: string | undefined, response: Response): Promise<void> {
    const filter = { ...(params.inStock ? { inStock: params.inStock === 'true' } : {}), ...(params.currency ? { currency: params.currency } : {}) };
    try {
      await this.queryBus.execute(new ExportProducts(caller, format, filter, responseSink(format, ifNoneMatch, response)));
    } catch (error) {
      // Before the first byte the error filter answers as usual. After it, the status is sent: the connection is
      // cut, so the client sees an unfinished chunked body (an error), never a feed that looks complete but is short.
      if (!response.headersSent) throw error;
      this.logger.error({ err: error, format }, 'product feed failed while streaming; connection closed');
      response.destroy();
    }
  }
}

/** Writes the feed to the response as it is read (chunked), waiting for the socket to drain between pages. */
function responseSink(format: ProductFeedFormat, ifNoneMatch: string | undefined, response: Response): ProductFeedSink {
  let first = true;
  const send = async (chunk: string): Promise<boolean> => {
    if (response.destroyed) return false;
    if (!response.write(chunk)) await Promise.race([once(response, 'drain'), once(response, 'close')]);
    return !response.destroyed;
  };
  return {
    begin(etag) {
      response.setHeader('ETag', etag);
      response.setHeader('Cache-Control', 'private, no-cache');
      if (matches(ifNoneMatch, etag)) {
        response.status(304).end();
        return false;
      }
      response.status(200).type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
      response.write(format === 'csv' ? csvHeader() : '[');
      return true;
    },
    async write(items) {
      const chunk = format === 'csv' ? csvLines(items) : jsonItems(items, first);
      first = false;
      return send(chunk);
    },
    end() {
      response.end(format === 'csv' ? '' : '\n]\n');
    },
  };
}

/** If-None-Match's weak comparison (RFC 9110 13.1.2): `*`, or any listed tag equal to ours, W/ or not. */
const matches = (header: string | undefined, etag: string): boolean =>
  header !== undefined && header.split(',').some((tag) => tag.trim() === '*' || tag.trim().replace(/^W\//, '') === etag);

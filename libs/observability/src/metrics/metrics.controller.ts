import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Metrics } from './metrics.js';

@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ operationId: 'MetricsController_scrape', summary: 'Prometheus metrics of this app' })
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}

import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { LOCALE_DESCRIPTION, PackageView, requestedLocale, toPackageView } from '../package.dto.js';
import { GetPackage } from './get-package.query.js';

@ApiTags('packages (projection)')
@ApiBearerAuth()
@Controller('v1/packages')
@UseGuards(ApiKeyGuard)
export class GetPackageController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':trackingId')
  @ApiOperation({ operationId: 'QueryPackagesController_get', summary: "One of the tenant's packages by tracking id" })
  @ApiQuery({ name: 'locale', required: false, type: String, example: 'de-DE', description: LOCALE_DESCRIPTION })
  @ApiResponse({ status: 200, type: PackageView })
  @ApiResponse({ status: 400, description: 'locale_invalid' })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 403, description: 'tenant_required' })
  @ApiResponse({ status: 404, description: 'package_not_found' })
  async get(@Caller() caller: Principal, @Param('trackingId') trackingId: string, @Query('locale') locale?: unknown): Promise<PackageView> {
    const localized = requestedLocale(locale);
    return toPackageView(await this.queryBus.execute(new GetPackage(caller, trackingId)), localized);
  }
}

import { Controller, Get, Query, UseGuards, UsePipes } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { validationPipe } from '@tributary/edge';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { requestedLocale, toPackageView } from '../package.dto.js';
import { ListPackagesParams, PackageListView } from './list-packages.dto.js';
import { ListPackages } from './list-packages.query.js';

@ApiTags('packages (projection)')
@ApiBearerAuth()
@Controller('v1/packages')
@UseGuards(ApiKeyGuard)
@UsePipes(validationPipe())
export class ListPackagesController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({ operationId: 'QueryPackagesController_list', summary: "The tenant's packages with their latest state, a page at a time" })
  @ApiResponse({ status: 200, type: PackageListView })
  @ApiResponse({ status: 400, description: 'validation_failed, locale_invalid' })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 403, description: 'tenant_required' })
  async list(@Caller() caller: Principal, @Query() params: ListPackagesParams): Promise<PackageListView> {
    const { locale, ...page } = params;
    const localized = requestedLocale(locale);
    const { packages, next } = await this.queryBus.execute(new ListPackages(caller, page));
    return { packages: packages.map((row) => toPackageView(row, localized)), next };
  }
}

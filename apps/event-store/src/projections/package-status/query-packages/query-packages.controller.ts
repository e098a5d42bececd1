import { Controller, Get, Param, Query, UseGuards, UsePipes } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { PACKAGE_STATUSES } from '@tributary/domain';
import { validationPipe } from '@tributary/edge';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PackageListView, PackageView, toPackageView } from './package.views.js';
import { GetPackage, ListPackages } from './query-packages.query.js';
import { PageParams } from '../../../log/page-params.js';

export class ListPackagesParams extends PageParams {
  @ApiProperty({ required: false, enum: PACKAGE_STATUSES })
  @IsOptional()
  @IsIn(PACKAGE_STATUSES)
  status?: string;

  @ApiProperty({ required: false, description: 'The `next` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  after?: string;
}

@ApiTags('packages (projection)')
@ApiBearerAuth()
@Controller('v1/packages')
@UseGuards(ApiKeyGuard)
@UsePipes(validationPipe())
export class QueryPackagesController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiOperation({ summary: "The tenant's packages with their latest state, a page at a time" })
  @ApiResponse({ status: 200, type: PackageListView })
  @ApiResponse({ status: 400, description: 'validation_failed' })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 403, description: 'tenant_required' })
  async list(@Caller() caller: Principal, @Query() params: ListPackagesParams): Promise<PackageListView> {
    const { packages, next } = await this.queryBus.execute(new ListPackages(caller, params));
    return { packages: packages.map(toPackageView), next };
  }

  @Get(':trackingId')
  @ApiOperation({ summary: "One of the tenant's packages by tracking id" })
  @ApiResponse({ status: 200, type: PackageView })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 403, description: 'tenant_required' })
  @ApiResponse({ status: 404, description: 'package_not_found' })
  async get(@Caller() caller: Principal, @Param('trackingId') trackingId: string): Promise<PackageView> {
    return toPackageView(await this.queryBus.execute(new GetPackage(caller, trackingId)));
  }
}

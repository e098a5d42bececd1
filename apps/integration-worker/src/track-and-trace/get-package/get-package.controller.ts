import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { PackageBody } from './get-package.dto.js';
import { GetPackage } from './get-package.query.js';

@ApiTags('tracking')
@ApiBearerAuth()
@Controller('v1/tracking')
@UseGuards(ApiKeyGuard)
export class GetPackageController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('packages/:trackingId')
  @ApiOperation({ operationId: 'TrackingController_package', summary: "A package's current state and every carrier event received for it" })
  @ApiResponse({ status: 200, type: PackageBody })
  @ApiResponse({ status: 404, description: 'package_not_found' })
  package(@Caller() caller: Principal, @Param('trackingId') trackingId: string): Promise<PackageBody> {
    return this.queryBus.execute(new GetPackage(caller, trackingId));
  }
}

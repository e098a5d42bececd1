import { Body, Controller, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyGuard, Caller, type Principal } from '@tributary/tenancy';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { CreateTenant } from './create-tenant.command.js';

export class CreateTenantBody {
  @ApiProperty({ example: 'acme', maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;
}

export class TenantCreatedBody {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  name: string;
  @ApiProperty({ description: "The tenant's owner API key. Shown once; store it now." })
  apiKey: string;
}

@ApiTags('tenants')
@ApiBearerAuth()
@Controller('v1/tenants')
@UseGuards(ApiKeyGuard)
export class CreateTenantController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @ApiOperation({ summary: 'Create a tenant and its first owner API key (platform admin key required)' })
  @ApiResponse({ status: 201, type: TenantCreatedBody })
  @ApiResponse({ status: 401, description: 'unauthenticated' })
  @ApiResponse({ status: 403, description: 'admin_required' })
  async create(@Caller() caller: Principal, @Body() body: CreateTenantBody): Promise<TenantCreatedBody> {
    return this.commandBus.execute(new CreateTenant(caller, body.name));
  }
}

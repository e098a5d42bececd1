import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { TENANT_ROLES, type TenantRole } from '@tributary/tenancy';
import { PageOf } from '../access/pagination.js';

@ObjectType('Tenant', { description: 'A customer of the platform: everything else belongs to one tenant' })
export class TenantView {
  @ApiProperty({ format: 'uuid' })
  @Field(() => ID, { description: 'The tenant id' })
  id: string;

  @ApiProperty()
  @Field({ description: 'Display name' })
  name: string;

  @ApiProperty({ description: "False once disabled: the tenant's keys and webhooks are refused with 403 tenant_disabled" })
  @Field({ description: "False once disabled: the tenant's keys and webhooks are refused" })
  enabled: boolean;

  @ApiProperty({ type: Number, nullable: true, description: 'Accepted webhook deliveries per second over all its webhooks; null: the platform default' })
  @Field(() => Int, { nullable: true, description: 'Accepted deliveries per second over all its webhooks; null: the platform default' })
  rateLimitPerSecond: number | null;

  @ApiProperty()
  @Field({ description: 'When it was created' })
  createdAt: Date;

  @ApiProperty()
  @Field({ description: 'When it last changed' })
  updatedAt: Date;
}

export const TenantPage = PageOf(TenantView, 'Tenant');

@ObjectType('TenantCreated', { description: 'A new tenant with its first owner API key' })
export class TenantCreatedView extends TenantView {
  @ApiProperty({ description: "The tenant's first owner API key. Shown once; store it now." })
  @Field({ description: "The tenant's first owner API key. Shown once." })
  apiKey: string;
}

const rateLimit = { minimum: 1, maximum: 1_000_000 };

@InputType('CreateTenantInput')
export class CreateTenantBody {
  @ApiProperty({ example: 'acme', maxLength: 200 })
  @Field({ description: 'Display name' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ ...rateLimit, description: 'Deliveries per second over all its webhooks (default: the platform default)' })
  @Field(() => Int, { nullable: true, description: 'Deliveries per second over all its webhooks' })
  @IsOptional()
  @IsInt()
  @Min(rateLimit.minimum)
  @Max(rateLimit.maximum)
  rateLimitPerSecond?: number;
}

@InputType('UpdateTenantInput')
export class UpdateTenantBody {
  @ApiPropertyOptional({ maxLength: 200 })
  @Field({ nullable: true, description: 'New display name' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ description: 'false disables the tenant (its keys and webhooks are refused); true enables it again' })
  @Field({ nullable: true, description: 'false disables the tenant; true enables it again' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ ...rateLimit, nullable: true, type: Number, description: 'null returns to the platform default' })
  @Field(() => Int, { nullable: true, description: 'Deliveries per second over all its webhooks' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(rateLimit.minimum)
  @Max(rateLimit.maximum)
  rateLimitPerSecond?: number | null;
}

/** What a tenant's owner may change of its own tenant. */
@InputType('UpdateOwnTenantInput')
export class UpdateOwnTenantBody {
  @ApiProperty({ maxLength: 200 })
  @Field({ description: 'New display name' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;
}

@InputType('IssueTenantApiKeyInput')
export class IssueTenantKeyBody {
  @ApiProperty({ maxLength: 200, example: 'recovery key' })
  @Field({ description: 'What the key is for' })
  @IsString()
  @MaxLength(200)
  name: string;

  @ApiProperty({ enum: TENANT_ROLES })
  @Field(() => String, { description: 'owner, member or read_only' })
  @IsIn(TENANT_ROLES)
  role: TenantRole;
}

@InputType('SetSubscriptionInput')
export class SetSubscriptionBody {
  @ApiProperty({ example: 'standard', maxLength: 100 })
  @Field({ description: 'The plan name (free text for billing)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  plan: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Deliveries are accepted until then; null: not paid' })
  @Field(() => String, { nullable: true, description: 'ISO 8601 time; deliveries are accepted until then; null: not paid' })
  @ValidateIf((_, v) => v !== null)
  @IsISO8601({ strict: true })
  paidUntil: string | null;
}

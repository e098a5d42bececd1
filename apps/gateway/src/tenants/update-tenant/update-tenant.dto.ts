import { Field, InputType, Int } from '@nestjs/graphql';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { rateLimit } from '../tenant.dto.js';

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

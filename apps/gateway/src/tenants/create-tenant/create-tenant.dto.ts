import { Field, InputType, Int } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { rateLimit } from '../tenant.dto.js';

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

import { Field, InputType, Int } from '@nestjs/graphql';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { rateLimit } from '../webhook.dto.js';

@InputType('UpdateWebhookInput')
export class UpdateWebhookBody {
  @ApiPropertyOptional({ maxLength: 200 })
  @Field({ nullable: true, description: 'Display name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ description: 'false disables the webhook (deliveries answered 404)' })
  @Field({ nullable: true, description: 'false disables the webhook (deliveries answered 404)' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ ...rateLimit, type: Number, nullable: true, description: 'null returns to the platform default' })
  @Field(() => Int, { nullable: true, description: 'Accepted deliveries per second' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsInt()
  @Min(rateLimit.minimum)
  @Max(rateLimit.maximum)
  rateLimitPerSecond?: number | null;
}

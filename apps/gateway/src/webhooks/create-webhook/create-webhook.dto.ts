import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { VERIFIER_SCHEMES, type VerifierScheme } from '../verifiers/webhook-verifier.js';
import { topicNames, rateLimit } from '../webhook.dto.js';

@InputType('CreateWebhookInput')
export class CreateWebhookBody {
  @ApiProperty({ format: 'uuid', description: 'The app of the tenant it belongs to (its integrations decide whether deliveries are accepted)' })
  @Field(() => ID, { description: 'The app it belongs to' })
  @IsUUID()
  appId: string;

  @ApiProperty({ enum: topicNames, description: 'The topic deliveries are published on' })
  @Field({ description: 'The topic deliveries are published on' })
  @IsString()
  @IsIn(topicNames)
  topic: string;

  @ApiPropertyOptional({ enum: VERIFIER_SCHEMES, default: 'standard-webhooks' })
  @Field(() => String, { nullable: true, description: 'How deliveries are authenticated (default standard-webhooks)' })
  @IsOptional()
  @IsIn(VERIFIER_SCHEMES)
  verifier?: VerifierScheme;

  @ApiPropertyOptional({ maxLength: 200 })
  @Field({ nullable: true, description: 'Display name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional(rateLimit)
  @Field(() => Int, { nullable: true, description: 'Accepted deliveries per second (default: the platform default)' })
  @IsOptional()
  @IsInt()
  @Min(rateLimit.minimum)
  @Max(rateLimit.maximum)
  rateLimitPerSecond?: number;

  @ApiPropertyOptional({ description: 'Bring the secret (e.g. the one Stripe issued); generated when omitted' })
  @Field({ nullable: true, description: 'Bring the secret (e.g. the one Stripe issued); generated when omitted' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  secret?: string;
}

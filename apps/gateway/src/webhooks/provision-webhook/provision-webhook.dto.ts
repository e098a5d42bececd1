import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { VERIFIER_SCHEMES, type VerifierScheme } from '../verifiers/webhook-verifier.js';
import { topicNames } from '../webhook.dto.js';

/** The platform admin's provisioning route: like CreateWebhookBody, the app optional. */
export class ProvisionWebhookBody {
  @ApiPropertyOptional({ format: 'uuid', description: 'The app it belongs to; without one, no integration gates it' })
  @IsOptional()
  @IsUUID()
  appId?: string;

  @ApiProperty({ enum: topicNames })
  @IsString()
  @IsIn(topicNames)
  topic: string;

  @ApiPropertyOptional({ enum: VERIFIER_SCHEMES, default: 'standard-webhooks' })
  @IsOptional()
  @IsIn(VERIFIER_SCHEMES)
  verifier?: VerifierScheme;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;
}

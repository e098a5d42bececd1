import { Field, InputType, Int } from '@nestjs/graphql';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

const MAX_OVERLAP_SECONDS = 30 * 24 * 3600;

@InputType('RotateWebhookSecretInput')
export class RotateSecretBody {
  @ApiPropertyOptional({ minimum: 0, maximum: MAX_OVERLAP_SECONDS, default: 86400, description: 'How long the current secrets stay valid' })
  @Field(() => Int, { nullable: true, description: 'How long the current secrets stay valid (default 86400; 0 ends them now)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_OVERLAP_SECONDS)
  overlapSeconds?: number;

  @ApiPropertyOptional({ description: 'Bring the new secret; generated when omitted' })
  @Field({ nullable: true, description: 'Bring the new secret; generated when omitted' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  secret?: string;
}

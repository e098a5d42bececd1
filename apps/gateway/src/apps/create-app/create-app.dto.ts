import { Field, InputType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { JSONObjectScalar } from '../json-object.scalar.js';

const VENDOR = /^[a-z0-9][a-z0-9_.-]{0,49}$/;

@InputType('CreateAppInput')
export class CreateAppBody {
  @ApiProperty({ maxLength: 200, example: 'DHL Germany' })
  @Field({ description: 'Display name' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({ example: 'dhl', pattern: VENDOR.source })
  @Field({ description: 'The vendor (lowercase letters, digits, _ . -)' })
  @IsString()
  @Matches(VENDOR, { message: 'vendor must be lowercase letters, digits, _ . - (at most 50)' })
  vendor: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Non-secret settings (at most 16 KiB of JSON)' })
  @Field(() => JSONObjectScalar, { nullable: true, description: 'Non-secret settings (at most 16 KiB of JSON)' })
  @IsOptional()
  @IsObject()
  config?: Record<string, unknown>;
}

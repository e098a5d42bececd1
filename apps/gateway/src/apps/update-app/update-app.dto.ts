import { Field, InputType } from '@nestjs/graphql';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';
import { JSONObjectScalar } from '../json-object.scalar.js';

@InputType('UpdateAppInput')
export class UpdateAppBody {
  @ApiPropertyOptional({ maxLength: 200 })
  @Field({ nullable: true, description: 'Display name' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Replaces the settings' })
  @Field(() => JSONObjectScalar, { nullable: true, description: 'Replaces the settings' })
  @IsOptional()
  @IsObject()
  config?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'false disables the app (its webhooks are refused)' })
  @Field({ nullable: true, description: 'false disables the app (its webhooks are refused)' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

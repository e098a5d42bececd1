import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { JSONObjectScalar } from '../access/json-object.scalar.js';
import { PageOf } from '../access/pagination.js';

const VENDOR = /^[a-z0-9][a-z0-9_.-]{0,49}$/;

@ObjectType('App', { description: "One vendor's configuration in a tenant (a carrier, a shop, an ERP); webhooks belong to an app" })
export class AppView {
  @ApiProperty({ format: 'uuid' })
  @Field(() => ID, { description: 'The app id' })
  id: string;

  @ApiProperty()
  @Field({ description: 'Display name' })
  name: string;

  @ApiProperty({ example: 'dhl', description: 'The vendor this app talks to' })
  @Field({ description: 'The vendor this app talks to (lowercase identifier)' })
  vendor: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Non-secret settings for the vendor' })
  @Field(() => JSONObjectScalar, { description: 'Non-secret settings for the vendor' })
  config: Record<string, unknown>;

  @ApiProperty({ description: "False once disabled: its webhooks are refused with 403 app_disabled" })
  @Field({ description: 'False once disabled: its webhooks are refused' })
  enabled: boolean;

  @ApiProperty()
  @Field({ description: 'When it was created' })
  createdAt: Date;

  @ApiProperty()
  @Field({ description: 'When it last changed' })
  updatedAt: Date;
}

export const AppPage = PageOf(AppView, 'App');

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

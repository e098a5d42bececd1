import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageOf } from '../access/pagination.js';

@ObjectType('IntegrationSubscription', { description: "What the tenant paid for an integration; set by the platform's billing (admin key)" })
export class SubscriptionView {
  @ApiProperty({ type: String, nullable: true })
  @Field(() => String, { nullable: true, description: 'The plan name; null before billing set one' })
  plan: string | null;

  @ApiProperty({ type: Date, nullable: true })
  @Field(() => Date, { nullable: true, description: 'Deliveries are accepted until then; null: not paid' })
  paidUntil: Date | null;

  @ApiProperty({ description: 'paidUntil is in the future' })
  @Field({ description: 'paidUntil is in the future' })
  active: boolean;
}

@ObjectType('Integration', { description: "A tenant's apps working together, with an enabled flag and a subscription" })
export class IntegrationView {
  @ApiProperty({ format: 'uuid' })
  @Field(() => ID, { description: 'The integration id' })
  id: string;

  @ApiProperty()
  @Field({ description: 'Display name' })
  name: string;

  @ApiProperty({ description: 'Webhooks of its apps are accepted only while an integration using the app is enabled and paid' })
  @Field({ description: 'Webhooks of its apps are accepted only while an integration using the app is enabled and paid' })
  enabled: boolean;

  @ApiProperty({ type: [String], description: 'The apps it connects' })
  @Field(() => [ID], { description: 'The apps it connects' })
  appIds: string[];

  @ApiProperty({ type: SubscriptionView })
  @Field(() => SubscriptionView, { description: 'What was paid' })
  subscription: SubscriptionView;

  @ApiProperty()
  @Field({ description: 'When it was created' })
  createdAt: Date;

  @ApiProperty()
  @Field({ description: 'When it last changed' })
  updatedAt: Date;
}

export const IntegrationPage = PageOf(IntegrationView, 'Integration');

@InputType('CreateIntegrationInput')
export class CreateIntegrationBody {
  @ApiProperty({ maxLength: 200, example: 'tracking' })
  @Field({ description: 'Display name' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({ type: [String], minItems: 1, maxItems: 20, description: 'Apps of the tenant it connects' })
  @Field(() => [ID], { description: 'Apps of the tenant it connects (1–20)' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  appIds: string[];

  @ApiPropertyOptional({ default: true })
  @Field({ nullable: true, description: 'Default true' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

@InputType('UpdateIntegrationInput')
export class UpdateIntegrationBody {
  @ApiPropertyOptional({ maxLength: 200 })
  @Field({ nullable: true, description: 'Display name' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ type: [String], minItems: 1, maxItems: 20, description: 'Replaces the apps it connects' })
  @Field(() => [ID], { nullable: true, description: 'Replaces the apps it connects' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  appIds?: string[];

  @ApiPropertyOptional()
  @Field({ nullable: true, description: 'false disables it: webhooks of its apps are refused with 403 integration_disabled' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

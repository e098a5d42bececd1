import { ArgsType, Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { allTopics } from '@tributary/topics';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { PageOf, PageQuery } from '../../access/pagination.js';
import { VERIFIER_SCHEMES, type VerifierScheme } from '../verifiers/webhook-verifier.js';

const topicNames = allTopics.map((t) => t.name);
const rateLimit = { minimum: 1, maximum: 1_000_000 };
const MAX_OVERLAP_SECONDS = 30 * 24 * 3600;

@ObjectType('Webhook', { description: 'An address a vendor delivers to; deliveries become events on its topic' })
export class WebhookView {
  @ApiProperty({ format: 'uuid' })
  @Field(() => ID, { description: 'The webhook id (the last part of its URL)' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  @Field(() => ID, { description: 'The tenant it belongs to' })
  tenantId: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The app it belongs to (null: provisioned by the platform admin without one)' })
  @Field(() => ID, { nullable: true, description: 'The app it belongs to' })
  appId: string | null;

  @ApiProperty()
  @Field({ description: 'Display name' })
  name: string;

  @ApiProperty({ enum: topicNames })
  @Field({ description: 'The topic its deliveries are published on' })
  topic: string;

  @ApiProperty({ enum: VERIFIER_SCHEMES })
  @Field(() => String, { description: 'How deliveries are authenticated: standard-webhooks, bearer, github, stripe or query-token' })
  verifier: VerifierScheme;

  @ApiProperty({ description: 'Where the sender delivers (query-token: append ?token=<secret>)' })
  @Field({ description: 'Where the sender delivers (query-token: append ?token=<secret>)' })
  url: string;

  @ApiProperty({ description: 'False once disabled: deliveries are answered 404' })
  @Field({ description: 'False once disabled: deliveries are answered 404' })
  enabled: boolean;

  @ApiProperty({ type: Number, nullable: true, description: 'Accepted deliveries per second; null: the platform default' })
  @Field(() => Int, { nullable: true, description: 'Accepted deliveries per second; null: the platform default' })
  rateLimitPerSecond: number | null;

  @ApiProperty()
  @Field({ description: 'When it was created' })
  createdAt: Date;

  @ApiProperty()
  @Field({ description: 'When it last changed' })
  updatedAt: Date;
}

export const WebhookPage = PageOf(WebhookView, 'Webhook');

@ObjectType('WebhookCreated', { description: 'A new webhook with its first secret' })
export class WebhookCreatedView extends WebhookView {
  @ApiProperty({ description: 'The secret the sender signs or authenticates with. Shown once; store it now.' })
  @Field({ description: 'The secret the sender signs or authenticates with. Shown once.' })
  secret: string;
}

@ObjectType('WebhookSecret', { description: 'One secret of a webhook (never its value)' })
export class WebhookSecretView {
  @ApiProperty({ format: 'uuid' })
  @Field(() => ID, { description: 'The secret id' })
  id: string;

  @ApiProperty()
  @Field({ description: 'When it was created' })
  createdAt: Date;

  @ApiProperty({ type: Date, nullable: true })
  @Field(() => Date, { nullable: true, description: 'When it stops being accepted; null: until rotated' })
  expiresAt: Date | null;

  @ApiProperty({ description: 'Deliveries signed with it are accepted now' })
  @Field({ description: 'Deliveries signed with it are accepted now' })
  active: boolean;
}

@ObjectType('WebhookSecretCreated', { description: 'A new secret of a webhook, with its value' })
export class WebhookSecretCreatedView extends WebhookSecretView {
  @ApiProperty({ description: 'The new secret. Shown once; store it now.' })
  @Field({ description: 'The new secret. Shown once.' })
  secret: string;
}

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

@ArgsType()
export class WebhookListQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: "Only this app's webhooks" })
  @Field(() => ID, { nullable: true, description: "Only this app's webhooks" })
  @IsOptional()
  @IsUUID()
  appId?: string;
}

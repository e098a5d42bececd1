import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { allTopics } from '@tributary/topics';
import { PageOf } from '../pagination/page.dto.js';
import { VERIFIER_SCHEMES, type VerifierScheme } from './verifiers/webhook-verifier.js';

export const topicNames = allTopics.map((t) => t.name);

export const rateLimit = { minimum: 1, maximum: 1_000_000 };

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

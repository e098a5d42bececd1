import { Field, ID, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '../pagination/page.dto.js';

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

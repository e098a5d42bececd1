import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '../pagination/page.dto.js';

@ObjectType('Tenant', { description: 'A customer of the platform: everything else belongs to one tenant' })
export class TenantView {
  @ApiProperty({ format: 'uuid' })
  @Field(() => ID, { description: 'The tenant id' })
  id: string;

  @ApiProperty()
  @Field({ description: 'Display name' })
  name: string;

  @ApiProperty({ description: "False once disabled: the tenant's keys and webhooks are refused with 403 tenant_disabled" })
  @Field({ description: "False once disabled: the tenant's keys and webhooks are refused" })
  enabled: boolean;

  @ApiProperty({ type: Number, nullable: true, description: 'Accepted webhook deliveries per second over all its webhooks; null: the platform default' })
  @Field(() => Int, { nullable: true, description: 'Accepted deliveries per second over all its webhooks; null: the platform default' })
  rateLimitPerSecond: number | null;

  @ApiProperty()
  @Field({ description: 'When it was created' })
  createdAt: Date;

  @ApiProperty()
  @Field({ description: 'When it last changed' })
  updatedAt: Date;
}

export const TenantPage = PageOf(TenantView, 'Tenant');

@ObjectType('TenantCreated', { description: 'A new tenant with its first owner API key' })
export class TenantCreatedView extends TenantView {
  @ApiProperty({ description: "The tenant's first owner API key. Shown once; store it now." })
  @Field({ description: "The tenant's first owner API key. Shown once." })
  apiKey: string;
}

export const rateLimit = { minimum: 1, maximum: 1_000_000 };

import { Field, ID, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { JSONObjectScalar } from './json-object.scalar.js';
import { PageOf } from '../pagination/page.dto.js';

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

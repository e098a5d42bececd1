import { Field, ID, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { TENANT_ROLES, type TenantRole } from '@tributary/tenancy';
import { PageOf } from '../pagination/page.dto.js';

@ObjectType('ApiKey', { description: "An API key of the tenant (never its secret, which is shown once at creation)" })
export class ApiKeyView {
  @ApiProperty({ format: 'uuid' })
  @Field(() => ID, { description: 'The key id' })
  id: string;

  @ApiProperty()
  @Field({ description: 'What the key is for' })
  name: string;

  @ApiProperty({ enum: TENANT_ROLES, description: "The key's role (a user's key acts with the user's current role)" })
  @Field(() => String, { description: "owner, member or read_only (a user's key acts with the user's current role)" })
  role: TenantRole;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The user the key belongs to; null for a service key' })
  @Field(() => ID, { nullable: true, description: 'The user the key belongs to; null for a service key' })
  userId: string | null;

  @ApiProperty({ example: 'trb_k2m9x0c4b7aa', description: 'The public start of the key, to recognise it' })
  @Field({ description: 'The public start of the key, to recognise it' })
  prefix: string;

  @ApiProperty()
  @Field({ description: 'When it was created' })
  createdAt: Date;

  @ApiProperty({ type: Date, nullable: true })
  @Field(() => Date, { nullable: true, description: 'When it was revoked; null while it works' })
  revokedAt: Date | null;
}

export const ApiKeyPage = PageOf(ApiKeyView, 'ApiKey');

@ObjectType('ApiKeyCreated', { description: 'A new API key, with its secret' })
export class ApiKeyCreatedView extends ApiKeyView {
  @ApiProperty({ description: 'The whole key (Authorization: Bearer <key>). Shown once; store it now.' })
  @Field({ description: 'The whole key. Shown once.' })
  key: string;
}

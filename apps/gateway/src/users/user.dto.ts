import { Field, ID, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { TENANT_ROLES, type TenantRole } from '@tributary/tenancy';
import { PageOf } from '../pagination/page.dto.js';

@ObjectType('User', { description: 'A person in the tenant, with a role their API keys act with' })
export class UserView {
  @ApiProperty({ format: 'uuid' })
  @Field(() => ID, { description: 'The user id' })
  id: string;

  @ApiProperty()
  @Field({ description: 'E-mail address, unique in the tenant' })
  email: string;

  @ApiProperty()
  @Field({ description: 'Display name' })
  name: string;

  @ApiProperty({ enum: TENANT_ROLES })
  @Field(() => String, { description: 'owner, member or read_only' })
  role: TenantRole;

  @ApiProperty({ description: "False once disabled: the user's keys stop working" })
  @Field({ description: "False once disabled: the user's keys stop working" })
  enabled: boolean;

  @ApiProperty()
  @Field({ description: 'When it was created' })
  createdAt: Date;

  @ApiProperty()
  @Field({ description: 'When it last changed' })
  updatedAt: Date;
}

export const UserPage = PageOf(UserView, 'User');

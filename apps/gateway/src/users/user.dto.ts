import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TENANT_ROLES, type TenantRole } from '@tributary/tenancy';
import { IsBoolean, IsEmail, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageOf } from '../access/pagination.js';

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

@InputType('CreateUserInput')
export class CreateUserBody {
  @ApiProperty({ example: 'ada@example.com' })
  @Field({ description: 'E-mail address, unique in the tenant' })
  @IsEmail()
  @MaxLength(320)
  email: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @Field({ nullable: true, description: 'Display name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiProperty({ enum: TENANT_ROLES })
  @Field(() => String, { description: 'owner, member or read_only' })
  @IsIn(TENANT_ROLES)
  role: TenantRole;
}

@InputType('UpdateUserInput')
export class UpdateUserBody {
  @ApiPropertyOptional({ maxLength: 200 })
  @Field({ nullable: true, description: 'Display name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: TENANT_ROLES })
  @Field(() => String, { nullable: true, description: "New role (the user's keys act with it at once)" })
  @IsOptional()
  @IsIn(TENANT_ROLES)
  role?: TenantRole;

  @ApiPropertyOptional({ description: 'false disables the user and their keys' })
  @Field({ nullable: true, description: 'false disables the user and their keys' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

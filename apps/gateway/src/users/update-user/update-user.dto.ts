import { Field, InputType } from '@nestjs/graphql';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { TENANT_ROLES, type TenantRole } from '@tributary/tenancy';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

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

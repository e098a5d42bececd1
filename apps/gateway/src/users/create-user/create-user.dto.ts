import { Field, InputType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TENANT_ROLES, type TenantRole } from '@tributary/tenancy';
import { IsEmail, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

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

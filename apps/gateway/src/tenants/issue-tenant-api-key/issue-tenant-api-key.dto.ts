import { Field, InputType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { TENANT_ROLES, type TenantRole } from '@tributary/tenancy';

@InputType('IssueTenantApiKeyInput')
export class IssueTenantKeyBody {
  @ApiProperty({ maxLength: 200, example: 'recovery key' })
  @Field({ description: 'What the key is for' })
  @IsString()
  @MaxLength(200)
  name: string;

  @ApiProperty({ enum: TENANT_ROLES })
  @Field(() => String, { description: 'owner, member or read_only' })
  @IsIn(TENANT_ROLES)
  role: TenantRole;
}

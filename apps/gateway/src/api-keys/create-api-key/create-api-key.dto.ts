import { Field, ID, InputType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TENANT_ROLES, type TenantRole } from '@tributary/tenancy';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

@InputType('CreateApiKeyInput')
export class CreateApiKeyBody {
  @ApiProperty({ maxLength: 200, example: 'ci deploys' })
  @Field({ description: 'What the key is for' })
  @IsString()
  @MaxLength(200)
  name: string;

  @ApiPropertyOptional({ enum: TENANT_ROLES, description: 'Required for a service key; a user key takes the user role' })
  @Field(() => String, { nullable: true, description: 'Required for a service key; a user key takes the user role' })
  @IsOptional()
  @IsIn(TENANT_ROLES)
  role?: TenantRole;

  @ApiPropertyOptional({ format: 'uuid', description: 'Issue the key to this user of the tenant' })
  @Field(() => ID, { nullable: true, description: 'Issue the key to this user of the tenant' })
  @IsOptional()
  @IsUUID()
  userId?: string;
}

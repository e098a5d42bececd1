import { Field, InputType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** What a tenant's owner may change of its own tenant. */
@InputType('UpdateOwnTenantInput')
export class UpdateOwnTenantBody {
  @ApiProperty({ maxLength: 200 })
  @Field({ description: 'New display name' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;
}

import { Field, ID, InputType } from '@nestjs/graphql';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

@InputType('UpdateIntegrationInput')
export class UpdateIntegrationBody {
  @ApiPropertyOptional({ maxLength: 200 })
  @Field({ nullable: true, description: 'Display name' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ type: [String], minItems: 1, maxItems: 20, description: 'Replaces the apps it connects' })
  @Field(() => [ID], { nullable: true, description: 'Replaces the apps it connects' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  appIds?: string[];

  @ApiPropertyOptional()
  @Field({ nullable: true, description: 'false disables it: webhooks of its apps are refused with 403 integration_disabled' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

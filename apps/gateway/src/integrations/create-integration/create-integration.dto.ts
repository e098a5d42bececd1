import { Field, ID, InputType } from '@nestjs/graphql';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

@InputType('CreateIntegrationInput')
export class CreateIntegrationBody {
  @ApiProperty({ maxLength: 200, example: 'tracking' })
  @Field({ description: 'Display name' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({ type: [String], minItems: 1, maxItems: 20, description: 'Apps of the tenant it connects' })
  @Field(() => [ID], { description: 'Apps of the tenant it connects (1–20)' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  appIds: string[];

  @ApiPropertyOptional({ default: true })
  @Field({ nullable: true, description: 'Default true' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

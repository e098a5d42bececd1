import { Field, InputType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601, IsNotEmpty, IsString, MaxLength, ValidateIf } from 'class-validator';

@InputType('SetSubscriptionInput')
export class SetSubscriptionBody {
  @ApiProperty({ example: 'standard', maxLength: 100 })
  @Field({ description: 'The plan name (free text for billing)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  plan: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Deliveries are accepted until then; null: not paid' })
  @Field(() => String, { nullable: true, description: 'ISO 8601 time; deliveries are accepted until then; null: not paid' })
  @ValidateIf((_, v) => v !== null)
  @IsISO8601({ strict: true })
  paidUntil: string | null;
}

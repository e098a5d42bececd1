import { ArgsType, Field, ID } from '@nestjs/graphql';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '../../pagination/page.dto.js';

@ArgsType()
export class WebhookListQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid', description: "Only this app's webhooks" })
  @Field(() => ID, { nullable: true, description: "Only this app's webhooks" })
  @IsOptional()
  @IsUUID()
  appId?: string;
}

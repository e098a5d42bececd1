import { Field, ObjectType } from '@nestjs/graphql';
import { ApiProperty } from '@nestjs/swagger';
import { PACKAGE_STATUSES } from '@tributary/domain';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageParams } from '../../../log/page-params.js';
import { LOCALE_DESCRIPTION, PackageView } from '../package.dto.js';

@ObjectType('PackageStatusList', { description: "A page of the tenant's packages in tracking-id order" })
export class PackageListView {
  @ApiProperty({ type: [PackageView] })
  @Field(() => [PackageView], { description: 'The packages' })
  packages: PackageView[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `after` for the next page; null on the last one' })
  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page; null on the last one' })
  next: string | null;
}

export class ListPackagesParams extends PageParams {
  @ApiProperty({ required: false, enum: PACKAGE_STATUSES })
  @IsOptional()
  @IsIn(PACKAGE_STATUSES)
  status?: string;

  @ApiProperty({ required: false, description: 'The `next` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  after?: string;

  /** Checked by the controller (`requestedLocale`), so that a bad one is `locale_invalid`. */
  @ApiProperty({ required: false, type: String, example: 'de-DE', description: LOCALE_DESCRIPTION })
  @IsOptional()
  locale?: unknown;
}

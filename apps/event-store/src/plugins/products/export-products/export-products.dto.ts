import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';

/** The feed's filters (query parameters); any other parameter is refused with `validation_failed`. */
export class ProductFeedParams {
  @ApiProperty({ required: false, enum: ['true', 'false'], description: 'Only products with stock above zero (true) or at zero (false)' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'inStock must be true or false' })
  inStock?: 'true' | 'false';

  @ApiProperty({ required: false, example: 'EUR', description: 'Only products priced in this currency (ISO 4217)' })
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as EUR' })
  currency?: string;
}

/** One product of the feed (the JSON feed's array items; the CSV feed's columns, in this order). */
export class ProductFeedItem {
  @ApiProperty({ example: 'SKU-1' })
  sku: string;

  @ApiProperty({ nullable: true, type: String })
  name: string | null;

  @ApiProperty({ nullable: true, type: String })
  description: string | null;

  @ApiProperty({ nullable: true, type: String })
  brand: string | null;

  @ApiProperty({ nullable: true, type: String, description: 'GTIN / EAN' })
  gtin: string | null;

  @ApiProperty({ nullable: true, type: String })
  url: string | null;

  @ApiProperty({ nullable: true, type: String })
  imageUrl: string | null;

  @ApiProperty({ nullable: true, type: String, example: '19.90', description: 'A decimal amount, digit for digit as the source gave it' })
  price: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'EUR' })
  currency: string | null;

  @ApiProperty({ nullable: true, type: Number })
  stock: number | null;

  @ApiProperty({ enum: ['in_stock', 'out_of_stock', 'unknown'] })
  availability: 'in_stock' | 'out_of_stock' | 'unknown';

  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'The newer of the description and the offer' })
  updatedAt: string | null;
}

import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** A decimal amount as text (`19.90`): kept digit for digit, never rounded through a float. */
export const PRICE_PATTERN = /^\d{1,12}(\.\d{1,4})?$/;

/** A stock keeping unit: 1–128 letters, digits, ".", "_", "-" or "/", starting with a letter or digit. */
export const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._\-/]{0,127}$/;

/** What every catalog event carries: the product's SKU (its key) and, optionally, its offer (price and stock). */
export abstract class CatalogOffer {
  /** The tenant's stock keeping unit: the product's id in the feed. */
  @IsString()
  @Matches(SKU_PATTERN, { message: 'sku must be 1–128 letters, digits, ".", "_", "-" or "/", starting with a letter or digit' })
  sku: string;

  @IsOptional()
  @Matches(PRICE_PATTERN, { message: 'price must be a decimal amount such as 19.90' })
  price?: string;

  /** ISO 4217 code, upper case. */
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as EUR' })
  currency?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2_000_000_000)
  stock?: number;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  source?: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNotEmpty, IsNumber, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';

/** esink's POST /publish body (and the socket.io `publish` message, without securityToken). */
export class PublishChangeBody {
  @ApiProperty({ description: 'Any JSON object: the changed row as clients receive it', type: 'object', additionalProperties: true })
  @IsObject()
  data: Record<string, unknown>;

  @ApiProperty({ enum: ['insert', 'update', 'delete'] })
  @IsIn(['insert', 'update', 'delete'])
  type: 'insert' | 'update' | 'delete';

  @ApiProperty({ description: 'Must equal SECURITY_TOKEN (not sent over socket.io)' })
  @IsOptional()
  @IsString()
  securityToken?: string;

  @ApiProperty({ description: 'The user id to send to, or "*" for every client (of the tenant)', oneOf: [{ type: 'string' }, { type: 'number' }] })
  @ValidateIf((body: PublishChangeBody) => typeof body.userId !== 'number')
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  userId: string | number;

  @ApiProperty({ description: 'The event name clients receive it under (besides `changes`)' })
  @IsString()
  @Matches(/^[A-Za-z_][A-Za-z0-9_$.-]{0,127}$/, { message: 'table must be a table name' })
  table: string;

  @ApiPropertyOptional({ description: 'Milliseconds since the epoch; defaults to now' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  // The latest instant a JavaScript Date holds (year 275760), within PostgreSQL's timestamp range.
  @Max(8_640_000_000_000_000)
  timestamp?: number;

  @ApiPropertyOptional({ description: 'Defaults to DEFAULT_SOURCE' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  source?: string;

  @ApiPropertyOptional({ description: 'Defaults to 1' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  version?: number;

  @ApiPropertyOptional({ description: 'With TENANT_COLUMN: the tenant whose clients receive it (required then)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  tenantId?: string;
}

export class PublishedBody {
  @ApiProperty({ description: 'How many connected clients (of this replica) it was sent to' })
  sentTo: number;
}

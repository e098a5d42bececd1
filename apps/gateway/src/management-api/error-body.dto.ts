import { ApiProperty } from '@nestjs/swagger';

class ErrorDetail {
  @ApiProperty({ example: 'app_not_found' })
  code: string;
  @ApiProperty()
  message: string;
}

/** The body of every error answer (OpenAPI schema `ErrorBody`). */
export class ErrorBody {
  @ApiProperty({ type: ErrorDetail })
  error: ErrorDetail;
  @ApiProperty()
  traceId: string;
}

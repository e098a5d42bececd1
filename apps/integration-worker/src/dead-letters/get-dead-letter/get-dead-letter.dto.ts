import { ApiProperty } from '@nestjs/swagger';
import { DeadLetterBody } from '../dead-letter.dto.js';

export class DeadLetterDetailBody extends DeadLetterBody {
  @ApiProperty({ description: 'The message exactly as received (CloudEvents envelope, or the raw value if malformed)', type: Object })
  envelope: unknown;
}

import { isTopicName } from '@tributary/topics';
import { IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength, ValidateBy } from 'class-validator';

/** The query of `GET /v1/listen` (the WebSocket upgrade): what the listener wants and where it resumes. */
export class ListenQuery {
  /** Only this topic's events. */
  @IsOptional()
  @IsString()
  @ValidateBy({ name: 'isTopicName', validator: { validate: (value: unknown) => typeof value === 'string' && isTopicName(value), defaultMessage: () => 'topic must be a topic name' } })
  topic?: string;

  /** Only the events this webhook's deliveries became (a webhook of the caller's tenant). */
  @IsOptional()
  @IsUUID()
  webhook?: string;

  /** Resume after this cursor (the `cursor` of the last event handled); default: from now on. */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(16_384)
  after?: string;
}

/** A message as the listener gets it: the CloudEvents envelope of the message log, without the platform's signature. */
export interface ListenedEvent {
  readonly id: string;
  readonly type: string;
  readonly source: string;
  readonly time: string;
  readonly subject: string;
  readonly data: unknown;
  readonly [attribute: string]: unknown;
}

/** One page of a listener's events, and the cursor after them. */
export interface ListenPage {
  readonly events: { readonly event: ListenedEvent; readonly cursor: string }[];
  readonly cursor: string;
}

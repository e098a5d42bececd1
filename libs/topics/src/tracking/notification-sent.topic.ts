import { IsBoolean, IsEmail, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { PACKAGE_STATUSES, type PackageStatus } from '@tributary/domain';
import { defineTopic } from '../topic.js';

/** The customer was e-mailed about a package's transition. */
export class NotificationSent {
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  trackingId: string;

  @IsIn(PACKAGE_STATUSES)
  state: PackageStatus;

  /** The transition notified (its `version` in tracking.package.state-changed). */
  @IsInt()
  @Min(1)
  version: number;

  @IsEmail()
  recipient: string;

  @IsString()
  @MaxLength(8)
  language: string;

  /** `smtp`, or `mailbox` (the local mailbox, without SMTP). */
  @IsIn(['smtp', 'mailbox'])
  channel: 'smtp' | 'mailbox';

  /** The Message-ID of the mail (derived from the idempotency key, the same on every attempt). */
  @IsString()
  @MaxLength(256)
  messageId: string;

  /** False when a send's outcome was unknown after a crash and it was given up, taken as sent (at-most-once). */
  @IsBoolean()
  confirmed: boolean;

  /**
   * True when the worker died during the send (its outcome unknown) and the mail was sent again with
   * the same Message-ID, by which receiving mail systems drop the repeat. Absent on older notifications.
   */
  @IsOptional()
  @IsBoolean()
  repeated?: boolean;
}

export const notificationSent = defineTopic({
  name: 'tracking.notification.sent',
  version: 1,
  description: "A customer was notified of a package's transition (once per transition).",
  payload: NotificationSent,
  key: (p) => p.trackingId,
});

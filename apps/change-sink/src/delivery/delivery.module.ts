import { Module } from '@nestjs/common';
import { CaptureModule } from '../capture/capture.module.js';
import { ChangeFeed } from './change-feed.js';
import { ChangePolicy } from './change-policy.js';

/** Delivery to clients: per-viewer feeds of the changes the routing policy lets them see. */
@Module({
  imports: [CaptureModule],
  providers: [ChangePolicy, ChangeFeed],
  exports: [ChangeFeed],
})
export class DeliveryModule {}

import { Module } from '@nestjs/common';
import { NormalizeCarrierUpdateHandler } from './normalize-carrier-update/normalize-carrier-update.handler.js';

@Module({ controllers: [NormalizeCarrierUpdateHandler] })
export class TrackingModule {}

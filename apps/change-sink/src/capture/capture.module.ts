import { Module } from '@nestjs/common';
import { ChangeReader } from './change-reader.js';
import { TriggerInstaller } from './trigger-installer.js';

@Module({ providers: [TriggerInstaller, ChangeReader], exports: [ChangeReader, TriggerInstaller] })
export class CaptureModule {}

import { Module } from '@nestjs/common';
import { CaptureModule } from '../capture/capture.module.js';
import { Authenticator } from './authenticator.js';
import { LiveSessions } from './live-sessions.js';

/** Who a client is (API key, AUTH_TABLE token, JWT), and the re-check of every live connection. */
@Module({ imports: [CaptureModule], providers: [Authenticator, LiveSessions], exports: [Authenticator, LiveSessions] })
export class AuthModule {}

import { Module } from '@nestjs/common';
import { SourcesModule } from '../sources/sources.module.js';
import { Authenticator } from './authenticator.js';
import { LiveSessions } from './live-sessions.js';

/** Who a client is (API key, AUTH_TABLE token, JWT), and the re-check of every live connection. */
@Module({ imports: [SourcesModule], providers: [Authenticator, LiveSessions], exports: [Authenticator, LiveSessions] })
export class AuthModule {}

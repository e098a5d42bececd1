import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { ChangeSocketGateway } from './change-socket.gateway.js';
import { SocketBroadcaster } from './socket-broadcaster.js';

/** esink's socket.io protocol at /socket.io: live changes, resume with `after`, and clients' `publish`. */
@Module({
  imports: [AuthModule, DeliveryModule],
  providers: [SocketBroadcaster, ChangeSocketGateway],
})
export class SocketModule {}

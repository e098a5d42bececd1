import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { DataSource } from 'typeorm';
import type { Envelope } from '../envelope/envelope.js';
import type { MessageSigner } from '../signing/message-signer.js';
import type { PostgresMessageLog } from './postgres-message-log.js';

/**
 * The `postgres` transport's producer as a Nest `ClientProxy`: `client.emit(topic, envelope)`
 * signs and appends the envelope in its own transaction. Code that must publish atomically with
 * its own writes uses `MessagePublisher` with its transaction's manager instead.
 */
export class PostgresTransportClient extends ClientProxy {
  constructor(
    private readonly dataSource: DataSource,
    private readonly log: PostgresMessageLog,
    private readonly signer: MessageSigner,
  ) {
    super();
  }

  async connect(): Promise<void> {
    if (!this.dataSource.isInitialized) await this.dataSource.initialize();
  }

  close(): void {}

  unwrap<T>(): T {
    return this.dataSource as T;
  }

  protected publish(_packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    callback({ err: new Error('The postgres transport carries events only (use emit)'), isDisposed: true });
    return () => undefined;
  }

  protected async dispatchEvent<T = unknown>(packet: ReadPacket<Envelope>): Promise<T> {
    if (packet.pattern !== packet.data.type) {
      throw new Error(`Envelope of type "${packet.data.type}" emitted on "${String(packet.pattern)}"`);
    }
    const signed = this.signer.sign(packet.data);
    await this.dataSource.transaction((manager) => this.log.append(manager, [signed]));
    return undefined as T;
  }
}

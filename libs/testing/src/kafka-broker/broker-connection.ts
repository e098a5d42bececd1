import type { Socket } from 'node:net';
import { KafkaReader, MalformedRequestError } from './codec/reader.js';
import type { KafkaWriter } from './codec/writer.js';

/** Far above anything a test sends; a bigger size prefix means the stream is not Kafka. */
const MAX_REQUEST_BYTES = 100 * 1024 * 1024;
const SIZE_PREFIX = 4;

/** A request the broker declines to answer (unknown API or version, a blocked client): it closes the connection. */
export class RequestRefused extends Error {
  override readonly name = 'RequestRefused';
}

/** Request header v1 — the only one below the flexible versions (v2 adds tagged fields). */
export interface RequestHeader {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
}

/** Answers one request: the response body, or null to send nothing. Throwing closes the connection. */
export type Dispatch = (header: RequestHeader, body: KafkaReader, connection: BrokerConnection) => Promise<KafkaWriter | null>;

/**
 * One client connection: splits the byte stream into size-prefixed requests and answers them one at
 * a time, in order. Kafka brokers do the same per connection (which is why kafkajs keeps fetches on
 * a connection of their own); a long poll or a held JoinGroup therefore delays only its own connection.
 */
export class BrokerConnection {
  /** The client id of the last request seen (kafkajs sends the same one on every request). */
  clientId: string | null = null;
  private readonly aborter = new AbortController();
  private chunks: Buffer[] = [];
  private buffered = 0;
  private frameSize: number | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: Socket,
    private readonly dispatch: Dispatch,
    private readonly log: (message: string) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    // A client resetting its connection is routine here (crashes, outages); 'close' follows and cleans up.
    socket.on('error', () => undefined);
    socket.on('close', () => this.aborter.abort());
  }

  get remoteHost(): string {
    return `/${this.socket.remoteAddress ?? ''}`;
  }

  /** Aborted once the connection has closed, for whatever reason. */
  get signal(): AbortSignal {
    return this.aborter.signal;
  }

  onClose(listener: () => void): void {
    this.socket.once('close', listener);
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.frameSize === undefined) {
        if (this.buffered < SIZE_PREFIX) return;
        const size = this.contiguous().readInt32BE(0);
        if (size < 0 || size > MAX_REQUEST_BYTES) {
          this.log(`closing connection: request size ${size} is not plausible`);
          this.close();
          return;
        }
        this.frameSize = size;
      }
      if (this.buffered < SIZE_PREFIX + this.frameSize) return;
      const data = this.contiguous();
      const end = SIZE_PREFIX + this.frameSize;
      const request = data.subarray(SIZE_PREFIX, end);
      const rest = data.subarray(end);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      this.frameSize = undefined;
      this.queue = this.queue.then(() => this.answer(request));
    }
  }

  /** The buffered bytes as one buffer (chunks are joined only when a size prefix or a whole request is needed). */
  private contiguous(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0];
  }

  private async answer(request: Buffer): Promise<void> {
    if (this.signal.aborted) return;
    try {
      const reader = new KafkaReader(request);
      const header: RequestHeader = {
        apiKey: reader.int16(),
        apiVersion: reader.int16(),
        correlationId: reader.int32(),
        clientId: reader.nullableString(),
      };
      this.clientId = header.clientId;
      const body = await this.dispatch(header, reader, this);
      if (body && !this.signal.aborted) this.send(header.correlationId, body.toBuffer());
    } catch (error) {
      const message = `closing connection of client ${this.clientId ?? '?'}: ${(error as Error).message}`;
      if (error instanceof MalformedRequestError || error instanceof RequestRefused) this.log(message);
      // Anything else is a bug in the broker: shout, or it passes for a network error in the client's logs.
      else console.error(`kafka test broker: ${message}`, error);
      this.close();
    }
  }

  /** Response header v0 (the correlation id) and body, behind the size prefix. */
  private send(correlationId: number, body: Buffer): void {
    const head = Buffer.allocUnsafe(8);
    head.writeInt32BE(4 + body.length, 0);
    head.writeInt32BE(correlationId, 4);
    this.socket.cork();
    this.socket.write(head);
    this.socket.write(body);
    this.socket.uncork();
  }
}

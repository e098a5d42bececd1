/** A request the broker cannot parse: the connection is closed, as a real broker does. */
export class MalformedRequestError extends Error {
  override readonly name = 'MalformedRequestError';
}

/**
 * Reads the big-endian primitives of the Kafka protocol. Only the classic (non-flexible) encodings:
 * the broker advertises no flexible version, so compact strings and tagged fields never arrive.
 */
export class KafkaReader {
  private position = 0;

  constructor(private readonly buffer: Buffer) {}

  get remaining(): number {
    return this.buffer.length - this.position;
  }

  int8(): number {
    return this.buffer.readInt8(this.advance(1));
  }

  int16(): number {
    return this.buffer.readInt16BE(this.advance(2));
  }

  int32(): number {
    return this.buffer.readInt32BE(this.advance(4));
  }

  uint32(): number {
    return this.buffer.readUInt32BE(this.advance(4));
  }

  int64(): bigint {
    return this.buffer.readBigInt64BE(this.advance(8));
  }

  boolean(): boolean {
    return this.int8() !== 0;
  }

  /** A STRING field: null is a protocol violation where the schema does not allow it. */
  string(): string {
    const value = this.nullableString();
    if (value === null) throw new MalformedRequestError('unexpected null string');
    return value;
  }

  nullableString(): string | null {
    const length = this.int16();
    return length < 0 ? null : this.take(length).toString('utf8');
  }

  bytes(): Buffer | null {
    const length = this.int32();
    return length < 0 ? null : this.take(length);
  }

  array<T>(read: (reader: KafkaReader) => T): T[] {
    return this.nullableArray(read) ?? [];
  }

  nullableArray<T>(read: (reader: KafkaReader) => T): T[] | null {
    const length = this.int32();
    if (length < 0) return null;
    if (length > this.remaining) throw new MalformedRequestError(`array length ${length} exceeds the request`);
    const items = new Array<T>(length);
    for (let i = 0; i < length; i++) items[i] = read(this);
    return items;
  }

  /** Zig-zag varint (record fields). */
  varint(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.buffer.readUInt8(this.advance(1));
      result |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return (result >>> 1) ^ -(result & 1);
    }
    throw new MalformedRequestError('varint longer than 5 bytes');
  }

  /** Zig-zag varlong (record timestamp deltas). */
  varlong(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = this.buffer.readUInt8(this.advance(1));
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return (result >> 1n) ^ -(result & 1n);
    }
    throw new MalformedRequestError('varlong longer than 10 bytes');
  }

  varintBytes(): Buffer | null {
    const length = this.varint();
    return length < 0 ? null : this.take(length);
  }

  varintString(): string | null {
    return this.varintBytes()?.toString('utf8') ?? null;
  }

  /** A view (not a copy) of the next `length` bytes. */
  take(length: number): Buffer {
    const start = this.advance(length);
    return this.buffer.subarray(start, start + length);
  }

  private advance(length: number): number {
    if (length > this.remaining) {
      throw new MalformedRequestError(`needed ${length} bytes, ${this.remaining} left`);
    }
    const start = this.position;
    this.position += length;
    return start;
  }
}

/**
 * One WebSocket text frame (server to client: unmasked, final; RFC 6455 5.2) holding `parts` as its
 * payload, built as bytes so that a message encoded once can be written to many connections as is.
 */
export function textFrame(parts: readonly Buffer[]): Buffer {
  const length = parts.reduce((total, part) => total + part.length, 0);
  let header: Buffer;
  if (length < 126) header = Buffer.from([0x81, length]);
  else if (length < 65_536) {
    header = Buffer.allocUnsafe(4);
    header[0] = 0x81;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.allocUnsafe(10);
    header[0] = 0x81;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, ...parts], header.length + length);
}

import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let used = POOL_BYTES;

/**
 * Copies `length` fresh random bytes into `target` at `at`. Ids and trace ids are made on every
 * request: one `randomBytes` call each (a system call) cost more than the rest of making them, so
 * they are taken from a pool refilled from the same CSPRNG 4 KiB at a time (as
 * `crypto.randomUUID` does). Every byte is handed out once.
 */
export function takeRandom(target: Buffer, at: number, length: number): void {
  if (length > POOL_BYTES) {
    randomFillSync(target, at, length);
    return;
  }
  if (used + length > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  pool.copy(target, at, used, used + length);
  pool.fill(0, used, used + length);
  used += length;
}

/** `length` fresh random bytes as lower-case hex. */
export function randomHex(length: number): string {
  const bytes = Buffer.allocUnsafe(length);
  takeRandom(bytes, 0, length);
  return bytes.toString('hex');
}

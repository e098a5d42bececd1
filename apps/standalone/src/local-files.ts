import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LocalKeys {
  readonly signingKey: string;
  readonly encryptionKey: string;
}

/** Files only their owner may read: the keys and the admin key are secrets. */
function writeSecretFile(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** The keys of a local installation: generated on first start, kept in `<home>/keys.json` (mode 600). */
export function localKeys(home: string): LocalKeys {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const path = join(home, 'keys.json');
  if (existsSync(path)) return JSON.parse(readFileSync(path, 'utf8')) as LocalKeys;
  const keys = { signingKey: randomBytes(32).toString('base64'), encryptionKey: randomBytes(32).toString('base64') };
  writeSecretFile(path, JSON.stringify(keys, null, 2));
  return keys;
}

export const adminKeyPath = (home: string) => join(home, 'admin-key');

export function readAdminKey(home: string): string | undefined {
  const path = adminKeyPath(home);
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
}

export function writeAdminKey(home: string, key: string): void {
  writeSecretFile(adminKeyPath(home), `${key}\n`);
}

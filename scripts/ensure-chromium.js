#!/usr/bin/env node
// Makes sure Debian's chromium is installed for the browser tests (playwright-core drives it; it never
// downloads a browser of its own). Run by the e2e tests' global setup, or by hand. Installs with
// apt-get when missing and allowed (root); otherwise says why. Under CI=true a browser that cannot be
// had fails the run; elsewhere the browser tests skip with that reason.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';

/** @returns {{ ok: true } | { ok: false, reason: string }} */
export function ensureChromium({ log = console.log } = {}) {
  if (existsSync(CHROMIUM)) return { ok: true };
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return { ok: false, reason: `${CHROMIUM} is missing and installing it needs root (apt-get install chromium)` };
  try {
    execFileSync('which', ['apt-get'], { stdio: 'ignore' });
  } catch {
    return { ok: false, reason: `${CHROMIUM} is missing and apt-get is not available` };
  }
  log(`${CHROMIUM} missing: installing Debian's chromium (apt-get install chromium)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env, timeout: 600_000 });
  } catch {
    try {
      execFileSync('apt-get', ['update'], { stdio: 'inherit', env, timeout: 300_000 });
      execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env, timeout: 600_000 });
    } catch (error) {
      return { ok: false, reason: `apt-get install chromium failed: ${error.message}` };
    }
  }
  return existsSync(CHROMIUM) ? { ok: true } : { ok: false, reason: `apt-get ran but ${CHROMIUM} is still missing` };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = ensureChromium();
  if (!result.ok) {
    console.error(result.reason);
    process.exitCode = 1;
  }
}

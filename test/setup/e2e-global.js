// Once before the end-to-end tests: the browser tests need Debian's chromium. Installed when missing
// (see scripts/ensure-chromium.js); under CI=true, a browser that cannot be had fails the run.
import { ensureChromium } from '../../scripts/ensure-chromium.js';

export default async function setup() {
  const result = ensureChromium();
  if (result.ok) return;
  if (process.env.CI === 'true') throw new Error(`The browser tests need chromium under CI=true: ${result.reason}`);
  console.warn(`Browser tests will be skipped: ${result.reason}`);
}

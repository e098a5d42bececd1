#!/usr/bin/env node
// After the build: dist/apps/<app>/main.js for each app (the documented entry point of a container),
// forwarding to the compiled dist/apps/<app>/src/main.js.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const apps = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', 'dist', 'apps');
for (const app of readdirSync(apps)) {
  if (!existsSync(join(apps, app, 'src', 'main.js'))) continue;
  writeFileSync(join(apps, app, 'main.js'), `// Entry point of the ${app} app.\nimport './src/main.js';\n`);
}

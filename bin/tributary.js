#!/usr/bin/env node
// The `tributary` admin CLI. Runs the compiled CLI, building the project first when it has not been built.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'apps', 'cli', 'src', 'main.js');

if (!existsSync(entry)) {
  process.stderr.write('tributary: dist/ is missing, running `npm run build` first\n');
  // Build output goes to stderr: stdout is reserved for the command's one JSON object.
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 2, 2], shell: process.platform === 'win32' });
  if (build.status !== 0 || !existsSync(entry)) {
    const message = build.error ? build.error.message : `npm run build exited with ${build.status}`;
    process.stderr.write(`${JSON.stringify({ error: { code: 'build_failed', message } }, null, 2)}\n`);
    process.exit(1);
  }
}

const { main } = await import(pathToFileURL(entry).href);
await main();

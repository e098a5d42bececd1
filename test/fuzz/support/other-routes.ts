import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_NAMES, type AppName } from './fuzz-platform.js';

export interface OtherRoute {
  readonly method: string;
  readonly path: string;
}

/**
 * The HTTP routes outside the OpenAPI documents (GraphQL, socket.io, the operator page, the docs),
 * read from docs/api-map.md's "Other HTTP" tables — which test/int/api-map.int-spec.ts keeps true to
 * the running apps — so that a route added there is fuzzed too.
 */
export function otherRoutes(): Record<AppName, OtherRoute[]> {
  const text = readFileSync(join(process.cwd(), 'docs/api-map.md'), 'utf8');
  const routes = Object.fromEntries(APP_NAMES.map((a) => [a, [] as OtherRoute[]])) as Record<AppName, OtherRoute[]>;
  for (const section of text.split(/^## /m).slice(1)) {
    const heading = section.slice(0, section.indexOf('\n'));
    const apps = /^Every app/.test(heading) ? APP_NAMES : APP_NAMES.filter((a) => heading.startsWith(`${a} `));
    for (const part of section.split(/^### /m)) {
      if (!part.startsWith('Other HTTP')) continue;
      for (const line of part.split('\n').filter((l) => l.startsWith('|'))) {
        const cells = line.split('|').slice(1, -1);
        const ticked = (cell = '') => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
        const path = ticked(cells[1])[0];
        if (!path) continue;
        for (const method of ticked(cells[0])) for (const app of apps) routes[app].push({ method, path });
      }
    }
  }
  return routes;
}

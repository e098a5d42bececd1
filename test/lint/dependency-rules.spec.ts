import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

/**
 * The dependency rules of `npm run lint` (.dependency-cruiser.cjs, .dependency-cruiser.cycles.cjs), run the way the
 * lint runs them, on a small repository laid out like this one: each forbidden import is reported under its rule,
 * and the imports the design allows are not.
 */
const root = process.cwd(); // jest runs from the repository root
const depcruise = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

const FILES: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'fixture', private: true, dependencies: { rxjs: '*' }, devDependencies: { yaml: '*' } }),
  'tsconfig.json': JSON.stringify({
    compilerOptions: {
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      baseUrl: '.',
      paths: Object.fromEntries(['a', 'b', 'c', 'testing'].map((lib) => [`@tributary/${lib}`, [`libs/${lib}/src/index.ts`]])),
    },
    include: ['apps', 'libs'],
  }),
  'libs/a/src/index.ts': "export * from './thing.js';",
  'libs/a/src/thing.ts': "import { c } from '@tributary/c';\nexport const thing = c;",
  'libs/a/src/thing.spec.ts': "import '@tributary/testing';",
  'libs/b/src/index.ts': "import '../../a/src/index.js';\nimport '../../../apps/one/src/allowed.js';\nexport const b = 1;",
  'libs/c/src/index.ts': "import { thing } from '@tributary/a';\nexport const c = thing;",
  'libs/testing/src/index.ts': "import '@tributary/a';\nexport const testing = 1;",
  'apps/one/src/allowed.ts': "import '@tributary/a';\nimport { Subject } from 'rxjs';\nimport type { Document } from 'yaml';\nexport type D = Document;\nexport const s = new Subject();",
  'apps/one/src/app-import.ts': "import '../../two/src/two.js';",
  'apps/one/src/app-import.spec.ts': "import '../../two/src/two.js';",
  'apps/one/src/deep.ts': "import '@tributary/a/src/thing.js';",
  'apps/one/src/relative.ts': "import '../../../libs/a/src/index.js';",
  'apps/one/src/relative-deep.ts': "import '../../../libs/a/src/thing.js';",
  'apps/one/src/from-root.ts': "import 'libs/a/src/index.js';",
  'apps/one/src/testing.ts': "import '@tributary/testing';",
  'apps/one/src/dev-dependency.ts': "import { parse } from 'yaml';\nexport const p = parse;",
  'apps/one/src/undeclared.ts': "import ms from 'ms';\nexport const m = ms;",
  'apps/one/src/feature-x/x.ts': "import { y } from '../feature-y/y.js';\nexport const x = y;",
  'apps/one/src/feature-y/y.ts': "export const y = 1;",
  'apps/one/src/feature-y/uses-x.ts': "import { x } from '../feature-x/x.js';\nexport const z = x;",
  'apps/one/src/feature-y/y.spec.ts': "import '../feature-z/z.js';",
  'apps/one/src/feature-z/z.ts': "import '../feature-y/y.js';",
  'apps/two/src/two.ts': 'export const two = 2;',
  'apps/standalone/src/main.ts': "import '../../one/src/allowed.js';\nimport '../../two/src/two.js';",
  'test/support/harness.ts': "import '@tributary/testing';\nimport '../../apps/one/src/allowed.js';\nimport '../../apps/two/src/two.js';",
};

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string };
}

let repo: string;

function violations(config: string, ...paths: string[]): string[] {
  const args = [depcruise, '--config', join(root, config), '--output-type', 'json', '--no-progress', ...paths];
  let output: string;
  try {
    output = execFileSync(process.execPath, args, { cwd: repo, encoding: 'utf8' });
  } catch (error) {
    // Exit code = number of errors: the report is on stdout either way.
    output = (error as { stdout: string }).stdout;
  }
  const { summary } = JSON.parse(output) as { summary: { violations: Violation[] } };
  // node_modules is a link to the repository's: packages resolve to its real path.
  return summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to.replace(/^.*\/node_modules\//, 'node_modules/')}`).sort();
}

describe('dependency rules (dependency-cruiser)', () => {
  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'tributary-depcruise-'));
    for (const [path, text] of Object.entries(FILES)) {
      mkdirSync(dirname(join(repo, path)), { recursive: true });
      writeFileSync(join(repo, path), `${text}\n`);
    }
    symlinkSync(join(root, 'node_modules'), join(repo, 'node_modules'), 'dir');
  });

  afterAll(() => {
    if (repo) rmSync(repo, { recursive: true, force: true });
  });

  it('reports every forbidden import under its rule, and nothing the design allows', () => {
    expect(violations('.dependency-cruiser.cjs', 'apps', 'libs', 'test')).toEqual(
      [
        'app-imports-app: apps/one/src/app-import.ts → apps/two/src/two.ts',
        'deep-import: apps/one/src/deep.ts → @tributary/a/src/thing.js',
        'deep-import: apps/one/src/relative-deep.ts → libs/a/src/thing.ts',
        'lib-by-path: apps/one/src/relative-deep.ts → libs/a/src/thing.ts',
        'lib-by-path: apps/one/src/relative.ts → libs/a/src/index.ts',
        'lib-by-path: apps/one/src/from-root.ts → libs/a/src/index.ts',
        'lib-by-path: libs/b/src/index.ts → libs/a/src/index.ts',
        'lib-imports-app: libs/b/src/index.ts → apps/one/src/allowed.ts',
        'testing-outside-tests: apps/one/src/testing.ts → libs/testing/src/index.ts',
        'not-to-dev-dep: apps/one/src/dev-dependency.ts → node_modules/yaml/dist/index.d.ts',
        'no-non-package-json: apps/one/src/undeclared.ts → node_modules/ms/index.js',
      ].sort(),
    );
  });

  it('reports cycles between libs and between the folders of an app, not those that only tests close', () => {
    expect(violations('.dependency-cruiser.cycles.cjs', 'apps', 'libs')).toEqual(
      [
        'no-circular-libs: libs/a/src → libs/c/src',
        'no-circular-libs: libs/c/src → libs/a/src',
        'no-circular-app-folders: apps/one/src/feature-x → apps/one/src/feature-y',
        'no-circular-app-folders: apps/one/src/feature-y → apps/one/src/feature-x',
      ].sort(),
    );
  });
});

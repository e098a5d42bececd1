// The dependency rules of the design (docs/architecture.md), checked by `npm run lint` over apps, libs, test, bench
// and scripts; cycles are checked in a second pass, on the code that ships (.dependency-cruiser.cycles.cjs). The
// rules that are not about imports (`process.env` only in config files, no `synchronize: true`) are ESLint's
// (eslint.config.js). test/lint/dependency-rules.spec.ts holds each rule to what it must and must not report.
const APPS_THAT_COMPOSE = 'standalone'; // the composition root: the one app allowed to import the others
const TEST_FILE = '\\.(spec|int-spec|e2e-spec)\\.[cm]?[jt]sx?$';
const OUTSIDE_LIBS = '^(apps|test|bench|scripts)/';
const LIB_INDEX = '^libs/[^/]+/src/index\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'app-imports-app',
      comment: `An app does not import another app: what two apps share is a lib. Only apps/${APPS_THAT_COMPOSE} composes the apps (and tests may drive several).`,
      severity: 'error',
      from: { path: '^apps/([^/]+)/', pathNot: [`^apps/${APPS_THAT_COMPOSE}/`, TEST_FILE] },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'lib-imports-app',
      comment: 'A lib never imports an app: apps depend on libs, not the other way round.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'deep-import',
      comment: "Import a lib only through its index, as @tributary/<lib>: what libs/<lib>/src/index.ts does not export is the lib's own.",
      severity: 'error',
      from: { path: OUTSIDE_LIBS },
      to: { path: '^libs/', pathNot: LIB_INDEX },
    },
    {
      name: 'deep-import',
      comment: "Import another lib only through its index, as @tributary/<lib>: what libs/<lib>/src/index.ts does not export is the lib's own.",
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/', pathNot: ['^libs/$1/', LIB_INDEX] },
    },
    {
      name: 'deep-import',
      comment: 'Import a lib only through its index, as @tributary/<lib> (tsconfig maps only that name, so a deeper path does not resolve).',
      severity: 'error',
      from: {},
      to: { path: '^@tributary/[^/]+/', couldNotResolve: true },
    },
    {
      name: 'lib-by-path',
      comment: 'Import a lib as @tributary/<lib>, not by a relative path or a path from the repository root.',
      severity: 'error',
      from: { path: OUTSIDE_LIBS },
      to: { path: '^libs/', dependencyTypesNot: ['aliased-tsconfig-paths'] },
    },
    {
      name: 'lib-by-path',
      comment: 'Import another lib as @tributary/<lib>, not by a relative path or a path from the repository root.',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/', pathNot: '^libs/$1/', dependencyTypesNot: ['aliased-tsconfig-paths'] },
    },
    {
      name: 'testing-outside-tests',
      comment: '@tributary/testing is for tests and benches only; an app or lib that ships must not need it.',
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: ['^libs/testing/', TEST_FILE] },
      to: { path: '^libs/testing/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve: a missing package (add it to package.json) or a wrong path.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^@tributary/[^/]+/' },
    },
    {
      name: 'no-non-package-json',
      comment: 'A package that is not in package.json works only by accident (hoisted by another package): declare it.',
      severity: 'error',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'not-to-dev-dep',
      comment:
        'Code that ships (apps, libs) must not need a devDependency: the images install production dependencies only. Tests, benches and libs/testing may, ' +
        'and so does the embedded mode, which loads PGlite (a devDependency, kept out of the images) lazily from embedded-postgres.ts only (test/ops/docker.spec.ts checks how).',
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: ['^libs/testing/', '^libs/database/src/embedded-postgres\\.ts$', TEST_FILE] },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|coverage)/' },
    // `import type` counts: a type-only import still couples the two sides.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};

// Three tiers, one config: unit (*.spec.ts, no I/O), int (*.int-spec.ts, real databases),
// e2e (*.e2e-spec.ts, booted apps). Jest runs in native ESM mode because NestJS 12 ships ESM only.
// ts-jest transpiles each file on its own (type checking is `npm run lint`'s job), emitting ESM.
const tsJest = [
  'ts-jest',
  {
    useESM: true,
    tsconfig: { module: 'ESNext', moduleResolution: 'Bundler', isolatedModules: true, sourceMap: true },
    diagnostics: false,
  },
];

const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': tsJest },
  moduleNameMapper: {
    '^@tributary/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  rootDir: '.',
  roots: ['<rootDir>'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};

export default {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['**/*.spec.ts'] },
    { ...shared, displayName: 'int', testMatch: ['**/*.int-spec.ts'], slowTestThreshold: 30, setupFilesAfterEnv: ['<rootDir>/test/setup/int.js'] },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['**/*.e2e-spec.ts'],
      slowTestThreshold: 60,
      globalSetup: '<rootDir>/test/setup/e2e-global.js',
      setupFilesAfterEnv: ['<rootDir>/test/setup/e2e.js'],
    },
  ],
};

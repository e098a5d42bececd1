// One lint setup for the project. TypeScript is checked type-aware (typescript-eslint with the project service):
// typescript-eslint's recommended rules, plus promise handling in this async-heavy code, no `any`, type-only imports
// marked as such. The few plain JavaScript files (scripts, test setup, configs) get the recommended rules without
// types. Two design rules that are not about imports live here too (`process.env` only in config files, no
// `synchronize: true`); the import rules are dependency-cruiser's (.dependency-cruiser.cjs). `npm run lint` runs
// ESLint over the whole repository with zero warnings allowed.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const SHIPPED = ['apps', 'libs'];
const TEST_FILES = SHIPPED.flatMap((dir) => ['spec', 'int-spec', 'e2e-spec'].map((kind) => `${dir}/**/*.${kind}.ts`));

const NO_SYNCHRONIZE = {
  selector: "Property[key.name='synchronize'] > Literal.value[value=true]",
  message: 'Schemas change through migrations only: `synchronize: true` would let TypeORM alter the tables behind them.',
};
const ENV_MESSAGE =
  "process.env is read in the app's *.config.ts (or main.ts) only: add the setting to the validated config class and inject it.";

export default defineConfig(
  { ignores: ['dist/**', 'coverage/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    extends: [tseslint.configs.recommended],
    rules: {
      // `void` alone would silence the rule: a promise left running must also say what happens when it rejects.
      '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      // A leading underscore marks a parameter or binding kept on purpose (a callback's shape, a rest sibling).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Files with decorators are left alone by the rule (emitDecoratorMetadata needs the value imports there).
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    extends: [tseslint.configs.recommended],
  },
  {
    // CommonJS is what these files are (dependency-cruiser loads its configuration with require).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The code that ships: configuration is read once, in the app's config class.
    files: SHIPPED.map((dir) => `${dir}/**/*.ts`),
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: ENV_MESSAGE }],
      'no-restricted-imports': [
        'error',
        {
          paths: ['process', 'node:process'].map((name) => ({ name, importNames: ['env'], message: ENV_MESSAGE })),
        },
      ],
      'no-restricted-syntax': [
        'error',
        NO_SYNCHRONIZE,
        {
          selector: "VariableDeclarator[init.object.name='globalThis'][init.property.name='process'] > ObjectPattern > Property[key.name='env']",
          message: ENV_MESSAGE,
        },
      ],
    },
  },
  {
    // Where reading the environment is the point: config classes, entry points, tests and the test helpers.
    files: [...SHIPPED.flatMap((dir) => [`${dir}/**/main.ts`, `${dir}/**/*.config.ts`]), 'libs/testing/**/*.ts', ...TEST_FILES],
    rules: {
      'no-restricted-properties': 'off',
      'no-restricted-imports': 'off',
      'no-restricted-syntax': ['error', NO_SYNCHRONIZE],
    },
  },
);

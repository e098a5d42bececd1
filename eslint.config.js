// One lint setup for all TypeScript in the project, type-aware (typescript-eslint with the project service):
// typescript-eslint's recommended rules, plus promise handling in this async-heavy code, no `any`, type-only imports
// marked as such. `npm run lint` runs it with
// zero warnings allowed; the architecture rules are dependency-cruiser's (.dependency-cruiser.cjs).
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
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
      // Files with decorators are left alone by the rule (emitDecoratorMetadata needs the value imports there).
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
);

// Promise handling in the async runtime code (the messaging and database libs, the integration worker's runtime):
// a promise nobody awaits or catches ends the process when it rejects. Only these two rules, only these paths,
// until the whole project's lint setup is decided; `npm run lint` passes the same roots to keep the walk short.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const RUNTIME = [
  'libs/messaging/src/**/*.ts',
  'libs/database/src/**/*.ts',
  // The worker's runtime: its entry point, module and consumer wiring, the SDK that dispatches messages to the
  // integrations, and the deployment and schedule machinery that runs beside it.
  'apps/integration-worker/src/*.ts',
  'apps/integration-worker/src/sdk/**/*.ts',
  'apps/integration-worker/src/deployments/**/*.ts',
  'apps/integration-worker/src/schedules/**/*.ts',
];

export default defineConfig({
  files: RUNTIME,
  ignores: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
  languageOptions: {
    parser: tseslint.parser,
    parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
  },
  // Directives for rules of the later, project-wide setup are not ours to judge.
  linterOptions: { reportUnusedDisableDirectives: 'off' },
  plugins: { '@typescript-eslint': tseslint.plugin },
  rules: {
    // `void` alone would silence the rule: a promise left running must also say what happens when it rejects.
    '@typescript-eslint/no-floating-promises': ['error', { ignoreVoid: false }],
    '@typescript-eslint/no-misused-promises': 'error',
  },
});

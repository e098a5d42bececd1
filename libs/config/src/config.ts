import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

/**
 * Builds an app's typed config from environment variables and validates it; a bad value fails
 * start-up with a message naming the variable. Properties of the config class are named exactly
 * like the variables they come from.
 */
export function loadConfig<T extends object>(
  type: new () => T,
  env: Record<string, string | undefined>,
  overrides: Partial<T> = {},
): T {
  const known = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const config = plainToInstance(type, { ...known, ...overrides }, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: true });
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return config;
}

import { listedFields, listProblems, TributaryError, type ErrorCode } from '@tributary/domain';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { IntegrationDefinition } from '../sdk/integration.js';

/** The integration a deployment names; `integration_unknown` when the worker does not run it. */
export function integrationNamed(integrations: readonly IntegrationDefinition[], name: string): IntegrationDefinition {
  const integration = integrations.find((i) => i.name === name);
  if (!integration) throw new TributaryError('invalid', 'integration_unknown', `No integration "${name}"`);
  return integration;
}

/**
 * Validates a deployment's config or credentials against the integration's class. Errors name the
 * fields only — never a value (a credential must not come back, not even in an error).
 */
export function validatedSettings(type: (new () => object) | undefined, value: Record<string, unknown>, code: ErrorCode, what: string): Record<string, unknown> {
  if (!type) {
    if (Object.keys(value).length > 0) throw new TributaryError('invalid', code, `This integration takes no ${what}`);
    return {};
  }
  const instance = plainToInstance(type, value);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    const fields = errors.map((e) => e.property);
    throw new TributaryError('invalid', code, `Invalid ${what}: ${listProblems(fields, ', ')}`, { fields: listedFields(fields) });
  }
  return { ...instance } as Record<string, unknown>;
}

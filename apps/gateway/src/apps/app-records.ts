import { TributaryError } from '@tributary/domain';
import type { TenantRepository } from '@tributary/tenancy';
import { notFound, requireId } from '../management-api/not-found.js';
import type { AppEntity } from './app.entity.js';
import type { AppView } from './app.dto.js';

const MAX_CONFIG_BYTES = 16 * 1024;

export const toAppView = (app: AppEntity): AppView => ({
  id: app.id,
  name: app.name,
  vendor: app.vendor,
  config: app.config,
  enabled: app.disabledAt === null,
  createdAt: app.createdAt,
  updatedAt: app.updatedAt,
});

/** One of the tenant's apps, or 404 `app_not_found`. */
export async function findApp(apps: TenantRepository<AppEntity>, id: string): Promise<AppEntity> {
  const app = await apps.findOne({ id: requireId('app', id) });
  if (!app) throw notFound('app');
  return app;
}

/** An app's settings are small: at most 16 KiB of JSON. */
export function checkConfigSize(config: Record<string, unknown>): Record<string, unknown> {
  if (Buffer.byteLength(JSON.stringify(config)) > MAX_CONFIG_BYTES) {
    throw new TributaryError('invalid', 'validation_failed', 'config must be at most 16 KiB of JSON', { fields: ['config'] });
  }
  return config;
}

import type { Tenant, World } from './tenant-world.js';

/**
 * The strings that identify a tenant and that no other tenant may ever be shown: its id, its marker
 * (in every name, e-mail, configuration, carrier and branch it wrote), the ids of what it created
 * and of what the platform made for it, its keys and webhook secrets. Natural keys that several
 * tenants use (shared tracking, stream, build and project ids) are not among them.
 */
export function identifiersOf(world: World, tenant: Tenant): string[] {
  const sharedBuilds = new Set(world.shared.buildIds);
  return [
    tenant.id,
    tenant.marker,
    ...tenant.keys,
    ...tenant.keyIds,
    ...tenant.users,
    ...tenant.apps,
    ...tenant.integrations,
    ...tenant.webhooks.flatMap((w) => [w.id, w.secret]),
    ...tenant.secretIds,
    ...tenant.deployments,
    ...tenant.actions,
    ...tenant.dataActions,
    ...tenant.schedules,
    ...tenant.manualRuns,
    ...[...tenant.builds].filter(([b]) => !sharedBuilds.has(b)).flat(),
    ...tenant.products,
    ...[...tenant.streams.values()].flat(),
    ...tenant.settled.events,
    ...tenant.settled.runs,
    ...tenant.settled.mails,
    ...tenant.settled.ingest,
    ...tenant.settled.actionAnswers,
  ].map((s) => s.toLowerCase());
}

/** What another tenant's identifiers `text` holds (compared case-insensitively), leaving out `echoed` (the ids the caller sent). */
export function foreignIn(world: World, viewer: Tenant | undefined, text: string, echoed: readonly string[] = []): string[] {
  let haystack = text.toLowerCase();
  for (const value of echoed) haystack = haystack.replaceAll(value.toLowerCase(), '');
  return world.tenants
    .filter((t) => t !== viewer)
    .flatMap((t) => identifiersOf(world, t).filter((id) => haystack.includes(id)).map((id) => `${t.name}: ${id}`));
}

/** Every `tenantId` / `tenant_id` field anywhere in a JSON value that is not the viewer's tenant. */
export function foreignTenantFields(value: unknown, tenantId: string, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => foreignTenantFields(v, tenantId, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => {
    const own = (key === 'tenantId' || key === 'tenant_id') && v !== null && v !== tenantId ? [`${path}.${key} = ${String(v)}`] : [];
    return [...own, ...foreignTenantFields(v, tenantId, `${path}.${key}`)];
  });
}

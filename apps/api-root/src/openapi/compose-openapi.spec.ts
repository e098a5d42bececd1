import { composeOpenApi, PathTemplates, type OpenApiDocument } from './compose-openapi.js';
import type { UpstreamApp } from '../upstream-apps.js';

const app = (prefix: UpstreamApp['prefix'], schemaPrefix: string): UpstreamApp => ({ prefix, schemaPrefix, url: 'http://a', docsUrl: 'http://a' });
const gateway = app('gateway', 'Gateway');
const eventStore = app('event-store', 'EventStore');

/** Two apps that both name a schema PageInfo and a tag `health`, and share the bearer scheme. */
const documentOf = (title: string, path: string, operationId: string): OpenApiDocument => ({
  openapi: '3.0.0',
  info: { title, version: '1' },
  paths: {
    [path]: {
      get: { operationId, tags: ['things'], responses: { 200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/PageInfo' } } } } } },
      parameters: [{ $ref: '#/components/parameters/Id' }],
    },
    '/health/live': { get: { operationId: 'HealthController_live', responses: {} } },
  },
  components: {
    schemas: { PageInfo: { type: 'object', properties: { next: { $ref: '#/components/schemas/Cursor' } } }, Cursor: { type: 'string' } },
    parameters: { Id: { name: 'id', in: 'path' } },
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
  },
  tags: [{ name: 'things', description: `${title}'s things` }],
});

describe('composeOpenApi', () => {
  const composed = composeOpenApi([
    { app: gateway, document: documentOf('gateway', '/v1/tenants/{tenantId}', 'TenantsController_get') },
    { app: eventStore, document: documentOf('event-store', '/v1/streams/{streamId}', 'StreamsController_get') },
  ]);

  it('serves each path under its app, with operationIds and tags of that app', () => {
    expect(Object.keys(composed.paths).sort()).toEqual(['/event-store/health/live', '/event-store/v1/streams/{streamId}', '/gateway/health/live', '/gateway/v1/tenants/{tenantId}']);
    const get = composed.paths['/gateway/v1/tenants/{tenantId}'].get as { operationId: string; tags: string[] };
    expect(get).toMatchObject({ operationId: 'gateway.TenantsController_get', tags: ['gateway: things'] });
    expect((composed.paths['/event-store/health/live'].get as { tags: string[] }).tags).toEqual(['event-store']);
    expect(composed.tags).toEqual([
      { name: 'gateway: things', description: "gateway's things" },
      { name: 'gateway' },
      { name: 'event-store: things', description: "event-store's things" },
      { name: 'event-store' },
    ]);
  });

  it('keeps both apps’ components of one name apart, every $ref pointing at its own app’s, and shares the security scheme', () => {
    expect(Object.keys(composed.components!.schemas!).sort()).toEqual(['EventStore_Cursor', 'EventStore_PageInfo', 'Gateway_Cursor', 'Gateway_PageInfo']);
    expect(composed.components!.schemas!.Gateway_PageInfo).toEqual({ type: 'object', properties: { next: { $ref: '#/components/schemas/Gateway_Cursor' } } });
    expect(JSON.stringify(composed.paths['/event-store/v1/streams/{streamId}'])).toContain('#/components/schemas/EventStore_PageInfo');
    expect(composed.paths['/gateway/v1/tenants/{tenantId}'].parameters).toEqual([{ $ref: '#/components/parameters/Gateway_Id' }]);
    expect(composed.components!.securitySchemes).toEqual({ bearer: { type: 'http', scheme: 'bearer' } });
  });
});

describe('PathTemplates', () => {
  const templates = new PathTemplates(documentOf('gateway', '/v1/tenants/{tenantId}', 'x'));

  it('matches a declared path with any one segment for a parameter, and nothing else', () => {
    expect(templates.matches('/v1/tenants/0190f3b4-0000-7000-8000-000000000000')).toBe(true);
    expect(templates.matches('/health/live')).toBe(true);
    expect(templates.matches('/v1/tenants/a/b')).toBe(false);
    expect(templates.matches('/v1/tenants/')).toBe(false);
    expect(templates.matches('/metrics')).toBe(false);
  });
});

import type { UpstreamApp } from '../upstream-apps.js';

/** The parts of an OpenAPI 3 document the composition reads and rewrites; the rest is carried as it is. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; description?: string; version: string };
  paths: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown> | undefined>;
  tags?: { name: string; description?: string }[];
  [key: string]: unknown;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const REF = /^#\/components\/([A-Za-z]+)\/(.+)$/;

/** A component kind shared as it is (one bearer scheme for every app), not renamed per app. */
const SHARED_COMPONENTS = new Set(['securitySchemes']);

/** `app` + `tag` → the tag the operation has in the composed document. */
export const composedTag = (app: UpstreamApp, tag: string | undefined): string => (tag ? `${app.prefix}: ${tag}` : app.prefix);

/** Every `$ref` to a renamed component rewritten to its composed name (`#/components/schemas/X` → `…/Gateway_X`). */
function rewriteRefs(value: unknown, app: UpstreamApp): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, app));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const match = key === '$ref' && typeof item === 'string' ? REF.exec(item) : null;
    out[key] = match && !SHARED_COMPONENTS.has(match[1]) ? `#/components/${match[1]}/${app.schemaPrefix}_${match[2]}` : rewriteRefs(item, app);
  }
  return out;
}

/**
 * The four apps' documents as one: each path under `/<app>`, each operation tagged `<app>: <tag>` and
 * its operationId prefixed `<app>.`, each component (schemas, parameters, responses…) renamed
 * `<App>_<name>` so that two apps' `PageInfo` never clash; security schemes are shared (one bearer key).
 */
export function composeOpenApi(parts: readonly { app: UpstreamApp; document: OpenApiDocument }[]): OpenApiDocument {
  const composed: OpenApiDocument = {
    openapi: '3.0.0',
    info: {
      title: 'Tributary',
      description: `The platform's four apps behind one URL: ${parts.map(({ app }) => `\`/${app.prefix}\``).join(', ')} — each path answered by the app that owns it (see docs/api-map.md, "The composed API").`,
      version: '1',
    },
    paths: {},
    components: {},
    tags: [],
  };
  const components = composed.components!;
  for (const { app, document } of parts) {
    const rewritten = rewriteRefs(document, app) as OpenApiDocument;
    const tagsUsed = new Set<string | undefined>();
    for (const [path, item] of Object.entries(rewritten.paths ?? {})) {
      const composedItem: Record<string, unknown> = { ...item };
      for (const method of HTTP_METHODS) {
        const operation = item[method] as { operationId?: string; tags?: string[] } | undefined;
        if (!operation) continue;
        const tags = operation.tags?.length ? operation.tags : [undefined];
        for (const tag of tags) tagsUsed.add(tag);
        composedItem[method] = {
          ...operation,
          ...(operation.operationId ? { operationId: `${app.prefix}.${operation.operationId}` } : {}),
          tags: tags.map((tag) => composedTag(app, tag)),
        };
      }
      composed.paths[`/${app.prefix}${path}`] = composedItem;
    }
    for (const [kind, entries] of Object.entries(rewritten.components ?? {})) {
      const target = (components[kind] ??= {});
      for (const [name, value] of Object.entries(entries ?? {})) {
        if (SHARED_COMPONENTS.has(kind)) target[name] ??= value;
        else target[`${app.schemaPrefix}_${name}`] = value;
      }
    }
    const described = new Map((document.tags ?? []).map((tag) => [tag.name, tag.description]));
    for (const tag of tagsUsed) {
      const description = tag ? described.get(tag) : undefined;
      composed.tags!.push({ name: composedTag(app, tag), ...(description ? { description } : {}) });
    }
  }
  return composed;
}

/** `/v1/tenants/{id}` → a pattern matching `/v1/tenants/<one segment>`. */
const templatePattern = (path: string): RegExp =>
  new RegExp(`^${path.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+')}$`);

/** The paths an app's document declares, to tell a path of the app from one it does not have. */
export class PathTemplates {
  private readonly patterns: RegExp[];

  constructor(document: OpenApiDocument) {
    this.patterns = Object.keys(document.paths ?? {}).map(templatePattern);
  }

  matches(path: string): boolean {
    return this.patterns.some((pattern) => pattern.test(path));
  }
}

import { Injectable } from '@nestjs/common';
import { TributaryError } from '@tributary/domain';
import { ApiRootConfig } from '../api-root.config.js';
import { UpstreamApps, type UpstreamApp } from '../upstream-apps.js';
import { composeOpenApi, PathTemplates, type OpenApiDocument } from './compose-openapi.js';

/** How long an app's document is reused before it is read again (an app redeployed with new routes shows them after this). */
const DOCUMENT_TTL_MS = 30_000;

export const unreachable = (app: UpstreamApp, what: string): TributaryError =>
  new TributaryError('unavailable', 'app_unreachable', `The ${app.prefix} app did not answer ${what}`);

/** The apps' OpenAPI documents, read from each app and kept a short while: the composed one, and each app's paths. */
@Injectable()
export class OpenApiComposition {
  private readonly cache = new Map<string, { document: OpenApiDocument; templates: PathTemplates; at: number }>();

  constructor(
    private readonly apps: UpstreamApps,
    private readonly config: ApiRootConfig,
  ) {}

  /** The app's document; a read that fails keeps the last one read, and without one is `app_unreachable`. */
  async documentOf(app: UpstreamApp): Promise<{ document: OpenApiDocument; templates: PathTemplates }> {
    const cached = this.cache.get(app.prefix);
    if (cached && Date.now() - cached.at < DOCUMENT_TTL_MS) return cached;
    try {
      const response = await fetch(`${app.docsUrl}/docs-json`, { signal: AbortSignal.timeout(this.config.UPSTREAM_TIMEOUT_MS) });
      if (!response.ok) throw new Error(`status ${response.status}`);
      const document = (await response.json()) as OpenApiDocument;
      const entry = { document, templates: new PathTemplates(document), at: Date.now() };
      this.cache.set(app.prefix, entry);
      return entry;
    } catch {
      if (cached) return cached;
      throw unreachable(app, 'GET /docs-json');
    }
  }

  async composed(): Promise<OpenApiDocument> {
    const parts = await Promise.all(this.apps.all.map(async (app) => ({ app, document: (await this.documentOf(app)).document })));
    return composeOpenApi(parts);
  }
}

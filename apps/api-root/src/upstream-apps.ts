import type { ApiRootConfig } from './api-root.config.js';

/** An app behind the root: its paths are served under `/<prefix>`, its schema names start with `schemaPrefix`. */
export interface UpstreamApp {
  readonly prefix: 'gateway' | 'event-store' | 'change-sink' | 'worker';
  readonly schemaPrefix: string;
  readonly url: string;
  readonly docsUrl: string;
}

/** The four apps, in the order their documents are merged. */
export class UpstreamApps {
  readonly all: readonly UpstreamApp[];

  constructor(config: ApiRootConfig) {
    const app = (prefix: UpstreamApp['prefix'], schemaPrefix: string, url: string, docsUrl: string | undefined): UpstreamApp => ({
      prefix,
      schemaPrefix,
      url: url.replace(/\/+$/, ''),
      docsUrl: (docsUrl ?? url).replace(/\/+$/, ''),
    });
    this.all = [
      app('gateway', 'Gateway', config.GATEWAY_URL, config.GATEWAY_DOCS_URL),
      app('event-store', 'EventStore', config.EVENT_STORE_URL, config.EVENT_STORE_DOCS_URL),
      app('change-sink', 'ChangeSink', config.CHANGE_SINK_URL, config.CHANGE_SINK_DOCS_URL),
      app('worker', 'Worker', config.WORKER_URL, config.WORKER_DOCS_URL),
    ];
  }

  byPrefix(prefix: string): UpstreamApp | undefined {
    return this.all.find((app) => app.prefix === prefix);
  }
}

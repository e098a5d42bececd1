import 'reflect-metadata';
import { startTracing } from '@tributary/observability';
import { adminKeyPath } from './local-files.js';
import { loadStandaloneConfig } from './standalone.config.js';

const config = loadStandaloneConfig(process.env);
// One SDK for the four apps of the process: every span names its app in the attribute tributary.app.
const tracing = await startTracing({ serviceName: config.OTEL_SERVICE_NAME, endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, sampleRatio: config.OTEL_TRACES_SAMPLER_ARG });
// The platform (and through it graphql, express, kafkajs) is loaded only after tracing starts, so that the
// instrumentations wrap those libraries before anything binds their functions.
const { startPlatform } = await import('./platform.js');
const platform = await startPlatform(config);
const { urls } = platform;

process.stdout.write(`
Tributary is running (${platform.database === 'embedded' ? `embedded PostgreSQL in ${config.TRIBUTARY_HOME}/pgdata` : 'PostgreSQL at DATABASE_URL'}).

  gateway        ${urls.gateway}        webhooks: POST /webhooks/:id   admin API: /v1   OpenAPI: ${urls.gateway}/docs
  event-store    ${urls.eventStore}
  change-sink    ${urls.changeSink}        GraphQL + subscriptions: ${urls.graphqlWs}   socket.io (esink): ${urls.changeSink}
  worker         ${urls.worker}
  composed API   ${urls.apiRoot}        all four under /gateway /event-store /change-sink /worker   OpenAPI: ${urls.apiRoot}/docs-json   GraphQL (stitched, graphql-ws): ${urls.apiRoot}/graphql

  admin key      ${platform.adminKey}
                 (${platform.adminKeyCreated ? 'new; ' : ''}saved in ${adminKeyPath(config.TRIBUTARY_HOME)}, mode 600)

Try the demo in README.md. Ctrl-C stops.
`);

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`\n${signal}: stopping…\n`);
  platform
    .stop()
    .then(() => tracing?.shutdown())
    .then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${signal}: stopping failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

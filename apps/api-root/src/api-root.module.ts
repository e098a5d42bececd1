import { Module, type DynamicModule } from '@nestjs/common';
import { Draining } from '@tributary/lifecycle';
import { loggingModule } from '@tributary/observability';
import { ApiRootConfig } from './api-root.config.js';
import { GraphqlWsServer } from './graphql/graphql-ws-proxy.js';
import { StitchedSchema } from './graphql/stitched-schema.js';
import { RootHealthController } from './health/root-health.controller.js';
import { OpenApiComposition } from './openapi/openapi-composition.js';
import { OpenApiController } from './openapi/openapi.controller.js';
import { UpstreamApps } from './upstream-apps.js';

/** The composed API: no database, no messaging; the apps' URLs are all it knows. */
@Module({})
export class ApiRootModule {
  static forRoot(config: ApiRootConfig): DynamicModule {
    return {
      module: ApiRootModule,
      imports: [loggingModule('api-root', config.LOG_LEVEL)],
      controllers: [RootHealthController, OpenApiController],
      providers: [
        { provide: ApiRootConfig, useValue: config },
        { provide: UpstreamApps, useValue: new UpstreamApps(config) },
        Draining,
        OpenApiComposition,
        StitchedSchema,
        GraphqlWsServer,
      ],
    };
  }
}

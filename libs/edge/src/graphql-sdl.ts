import { Injectable, Module, type INestApplication } from '@nestjs/common';
import type { Request, Response } from 'express';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { sendError } from './coded-error.filter.js';

/** Where an app serves its public GraphQL schema as SDL: an operator route beside `/docs-json` (isInternalPath). */
export const GRAPHQL_SDL_PATH = '/docs-graphql';

/**
 * The schema an app serves at `/graphql`, as it serves it (after `transformSchema`), recorded when
 * its GraphQL module builds it: `graphqlEndpointOptions(limits, sdl)` records it. One per app (the
 * gateway's operator page at /ui/graphql has its own schema and does not record it).
 */
@Injectable()
export class GraphqlSdl {
  private schema?: GraphQLSchema;

  record(schema: GraphQLSchema): void {
    this.schema = schema;
  }

  /** The schema in SDL (sorted, so the same schema always prints the same); undefined before the module built it. */
  sdl(): string | undefined {
    return this.schema && printSchema(lexicographicSortSchema(this.schema));
  }
}

/** Provides the app's `GraphqlSdl`: imported by its GraphQL module's `forRootAsync` (to record) and found by `serveGraphqlSdl`. */
@Module({ providers: [GraphqlSdl], exports: [GraphqlSdl] })
export class GraphqlSdlModule {}

/**
 * `GET /docs-graphql`: the app's public GraphQL schema in SDL (`text/plain`), for the composed API
 * (apps/api-root), which stitches the apps' schemas. Introspection is off where `NODE_ENV=production`
 * (Apollo's default), so the schema is published here instead — an operator route like the OpenAPI
 * document: on the internal port only where INTERNAL_PORT is set (internal-http.ts). Mounted before
 * `app.init()` (as SwaggerModule mounts `/docs-json`); the schema is read per request, once built.
 */
export function serveGraphqlSdl(app: INestApplication): void {
  app.getHttpAdapter().get(GRAPHQL_SDL_PATH, (request: Request, response: Response) => {
    const sdl = app.get(GraphqlSdl).sdl();
    if (sdl === undefined) return sendError(request, response, 503, 'not_ready', 'The GraphQL schema is not built yet');
    response.type('text/plain; charset=utf-8').send(sdl);
  });
}

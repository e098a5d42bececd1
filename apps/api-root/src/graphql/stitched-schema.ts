import { Injectable } from '@nestjs/common';
import { stitchSchemas } from '@graphql-tools/stitch';
import type { ExecutionRequest, ExecutionResult, Executor } from '@graphql-tools/utils';
import { TributaryError } from '@tributary/domain';
import { GRAPHQL_SDL_PATH } from '@tributary/edge';
import { buildSchema, getOperationAST, GraphQLError, print, type GraphQLSchema } from 'graphql';
import type { Client } from 'graphql-ws';
import { ApiRootConfig } from '../api-root.config.js';
import { UpstreamApps, type UpstreamApp } from '../upstream-apps.js';

/** What a root operation carries to the apps: the caller's credential, and on graphql-ws its connection to the change-sink. */
export interface RootGraphqlContext {
  readonly authorization?: string;
  readonly changeSink?: Client;
}

/** The apps that serve GraphQL at `/graphql` (the worker serves none; the gateway's `/ui/graphql` is the operator page's own). */
const GRAPHQL_APPS: readonly UpstreamApp['prefix'][] = ['gateway', 'event-store', 'change-sink'];

const unreachable = (app: UpstreamApp) =>
  new GraphQLError(`The ${app.prefix} app did not answer`, { extensions: { code: 'app_unreachable', status: 502 } });

/**
 * The three GraphQL schemas stitched into one (@graphql-tools/stitch): every root field is delegated
 * to its app over HTTP with the caller's Authorization, and the change-sink's subscriptions over the
 * caller's own graphql-ws connection to it. Built on first use from the schemas the apps publish in
 * SDL at `/docs-graphql` (beside `/docs-json`: their internal port where they have one, `<APP>_DOCS_URL`)
 * — not by introspection, which `NODE_ENV=production` turns off — and again after a failed build; kept
 * for the life of the process (an app's new fields show after a restart).
 */
@Injectable()
export class StitchedSchema {
  private building?: Promise<GraphQLSchema>;

  constructor(
    private readonly apps: UpstreamApps,
    private readonly config: ApiRootConfig,
  ) {}

  get(): Promise<GraphQLSchema> {
    this.building ??= this.build().catch((error: unknown) => {
      this.building = undefined;
      throw error;
    });
    return this.building;
  }

  private async build(): Promise<GraphQLSchema> {
    const subschemas = await Promise.all(
      GRAPHQL_APPS.map(async (prefix) => {
        const app = this.apps.byPrefix(prefix)!;
        return { schema: await this.schemaOf(app), executor: this.executorOf(app) };
      }),
    );
    return stitchSchemas({ subschemas });
  }

  /** The app's schema from its SDL (the types only: every field is run by the app, through the executor). */
  private async schemaOf(app: UpstreamApp): Promise<GraphQLSchema> {
    const where = `${app.docsUrl}${GRAPHQL_SDL_PATH}`;
    let response: Response;
    try {
      response = await fetch(where, { signal: AbortSignal.timeout(this.config.UPSTREAM_TIMEOUT_MS) });
    } catch {
      throw new TributaryError('unavailable', 'app_unreachable', `The ${app.prefix} app's GraphQL schema could not be read: GET ${GRAPHQL_SDL_PATH} did not answer`);
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new TributaryError('unavailable', 'app_unreachable', `The ${app.prefix} app's GraphQL schema could not be read: GET ${GRAPHQL_SDL_PATH} answered ${response.status}`);
    }
    try {
      return buildSchema(await response.text());
    } catch (error) {
      throw new TributaryError('unavailable', 'app_unreachable', `The ${app.prefix} app's GraphQL schema could not be read: ${(error as Error).message}`);
    }
  }

  private executorOf(app: UpstreamApp): Executor {
    return (async (request: ExecutionRequest) => {
      const context = request.context as RootGraphqlContext | undefined;
      const operation = getOperationAST(request.document, request.operationName);
      if (operation?.operation === 'subscription') return this.subscribe(request, context);
      return this.overHttp(app, request, context);
    }) as Executor;
  }

  private async overHttp(app: UpstreamApp, request: ExecutionRequest, context: RootGraphqlContext | undefined): Promise<ExecutionResult> {
    try {
      const response = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(context?.authorization ? { authorization: context.authorization } : {}) },
        body: JSON.stringify({ query: print(request.document), variables: request.variables, operationName: request.operationName }),
        signal: AbortSignal.timeout(this.config.UPSTREAM_TIMEOUT_MS),
      });
      return (await response.json()) as ExecutionResult;
    } catch {
      return { errors: [unreachable(app)] };
    }
  }

  private subscribe(request: ExecutionRequest, context: RootGraphqlContext | undefined): AsyncIterable<ExecutionResult> | ExecutionResult {
    if (!context?.changeSink) {
      return { errors: [new GraphQLError('Subscriptions are served over graphql-ws', { extensions: { code: 'operation_not_supported', status: 400 } })] };
    }
    return context.changeSink.iterate({
      query: print(request.document),
      variables: request.variables as Record<string, unknown> | undefined,
      operationName: request.operationName,
    }) as AsyncIterable<ExecutionResult>;
  }
}

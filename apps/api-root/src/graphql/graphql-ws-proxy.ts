import type { Server } from 'node:http';
import { validate, type ValidationRule } from 'graphql';
import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { createClient, type Client } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocket, WebSocketServer } from 'ws';
import type { UpstreamApp } from '../upstream-apps.js';
import type { RootGraphqlContext, StitchedSchema } from './stitched-schema.js';

/** What the root keeps with each client connection (beside graphql-ws's own socket and request). */
type Extra = { changeSink?: Client };

/** The credential of a graphql-ws connection, as the change-sink reads it (`authorization` or `token`). */
const authorizationOf = (params: Record<string, unknown> | undefined): string | undefined => {
  const value = params?.authorization ?? params?.Authorization;
  if (typeof value === 'string') return value;
  return typeof params?.token === 'string' ? `Bearer ${params.token}` : undefined;
};

/** Opens the caller's own connection to the change-sink with its connection params; resolves when the change-sink accepts it. */
function connectToChangeSink(changeSink: UpstreamApp, params: Record<string, unknown> | undefined): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = createClient({
      url: `${changeSink.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: params,
      lazy: false,
      retryAttempts: 0,
      on: {
        connected: () => resolve(client),
        closed: (event) => reject(Object.assign(new Error('closed'), { code: (event as { code?: number }).code })),
        error: () => reject(Object.assign(new Error('unreachable'), { code: undefined })),
      },
    });
  });
}

/**
 * graphql-ws at the root's `/graphql`: each client connection opens one of its own to the change-sink,
 * with the client's connection params, and is refused as the change-sink refuses that one (4403). Its
 * subscriptions run there; its queries and mutations go over HTTP to their apps with its credential.
 */
@Injectable()
export class GraphqlWsServer implements BeforeApplicationShutdown {
  private wss?: WebSocketServer;

  listen(server: Server, schema: StitchedSchema, changeSink: UpstreamApp, rules: readonly ValidationRule[]): void {
    this.wss = serveGraphqlWs(server, schema, changeSink, rules);
  }

  /** Before the HTTP server closes: its upgraded connections would hold the close open (each client's change-sink connection goes with it). */
  beforeApplicationShutdown(): Promise<void> {
    const wss = this.wss;
    if (!wss) return Promise.resolve();
    for (const client of wss.clients) client.terminate();
    return new Promise((resolve) => wss.close(() => resolve()));
  }
}

function serveGraphqlWs(server: Server, schema: StitchedSchema, changeSink: UpstreamApp, rules: readonly ValidationRule[]): WebSocketServer {
  const wss = new WebSocketServer({ server, path: '/graphql' });
  useServer<Record<string, unknown> | undefined, Extra>(
    {
      schema: () => schema.get(),
      // The HTTP endpoint's rules (rootValidationRules): the same limits, and no introspection where it is off.
      validate: (stitched, document) => validate(stitched, document, rules),
      onConnect: async (ctx) => {
        try {
          ctx.extra.changeSink = await connectToChangeSink(changeSink, ctx.connectionParams);
          return true;
        } catch (error) {
          const code = (error as { code?: number }).code;
          // The change-sink refused the credentials: refused alike. It did not answer: try again later (1013).
          if (code === 4403) return false;
          ctx.extra.socket.close(1013, 'app_unreachable: the change-sink app did not answer');
          return false;
        }
      },
      onClose: async (ctx) => {
        await ctx.extra.changeSink?.dispose();
      },
      context: (ctx): RootGraphqlContext => ({ authorization: authorizationOf(ctx.connectionParams), changeSink: ctx.extra.changeSink }),
    },
    wss,
  );
  return wss;
}

import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import {
  CLOSE_TRY_AGAIN_LATER,
  graphqlCaller,
  graphqlEndpointOptions,
  GraphqlSdl,
  GraphqlSdlModule,
  graphqlWsLimits,
  isOutage,
  TRY_AGAIN_LATER_REASON,
} from '@tributary/edge';
import { bearerToken } from '@tributary/tenancy';
import type { Request } from 'express';
import type { WebSocket } from 'ws';
import { AuthModule } from '../auth/auth.module.js';
import { Authenticator } from '../auth/authenticator.js';
import { LiveSessions } from '../auth/live-sessions.js';
import type { Viewer } from '../auth/viewer.js';
import { ChangeSinkConfig } from '../change-sink.config.js';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { ChangesResolver } from './changes/changes.resolver.js';
import { JsonScalar } from './changes/json.scalar.js';
import { ChangesHandler } from './changes/changes.handler.js';
import { CLOSE_TOO_SLOW, type GraphqlContext } from './graphql-context.js';
import { PackageUpdatedHandler } from './package-updated/package-updated.handler.js';
import { PackageUpdatedResolver } from './package-updated/package-updated.resolver.js';
import { sharedSubscribe } from './shared-subscribe.js';
import { ViewerResolver } from './viewer/viewer.resolver.js';

interface WsExtra {
  socket: WebSocket;
  viewer?: Viewer;
  untrack?: () => void;
}

/**
 * Closes a graphql-ws connection with a code and reason, and cuts it a second later if the close
 * handshake has not gone through (a client that does not read never lets it through).
 */
function closeConnection(extra: WsExtra, code: number, reason: string): void {
  extra.untrack?.();
  extra.socket.close(code, reason.slice(0, 120));
  setTimeout(() => extra.socket.terminate(), 1_000).unref();
}

/** The token a graphql-ws client sends: `authorization: Bearer …` (API keys) or `token` (esink-style user tokens). */
const tokenOf = (params: Record<string, unknown>): string | undefined =>
  bearerToken(params.authorization ?? params.Authorization) ?? (typeof params.token === 'string' ? params.token : undefined);

@Module({
  imports: [
    AuthModule,
    DeliveryModule,
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      imports: [AuthModule, GraphqlSdlModule],
      inject: [Authenticator, LiveSessions, ChangeSinkConfig, GraphqlSdl],
      useFactory: (authenticator: Authenticator, sessions: LiveSessions, config: ChangeSinkConfig, sdl: GraphqlSdl): ApolloDriverConfig => ({
        autoSchemaFile: true,
        sortSchema: true,
        ...graphqlEndpointOptions(config.graphqlLimits, sdl),
        // Only this module's resolvers: in standalone mode other apps' GraphQL modules share the process.
        include: [SubscriptionsModule],
        resolvers: { ChangeData: JsonScalar },
        subscriptions: {
          // Read by Nest's subscription service and handed to graphql-ws (not in the option's type).
          ...({ subscribe: sharedSubscribe } as object),
          'graphql-ws': {
            // Subscribe messages get the HTTP endpoint's checks (size, NUL, limits), refused with an `error` message.
            ...graphqlWsLimits(config.graphqlLimits),
            // A connection without valid credentials is refused before any subscription starts (close 4403).
            onConnect: async (context) => {
              const extra = context.extra as WsExtra;
              try {
                extra.viewer = await authenticator.authenticate(tokenOf((context.connectionParams ?? {}) as Record<string, unknown>));
              } catch (error) {
                // An outage is not a wrong credential: the client is told to come back (graphql-ws would close 4403).
                if (isOutage(error)) closeConnection(extra, CLOSE_TRY_AGAIN_LATER, TRY_AGAIN_LATER_REASON);
                return false;
              }
              extra.untrack = sessions.add(extra.viewer, 'graphql-ws', (reason) => closeConnection(extra, 4403, reason));
              return true;
            },
            onDisconnect: (context) => (context.extra as WsExtra).untrack?.(),
            onClose: (context) => (context.extra as WsExtra).untrack?.(),
          },
        },
        // graphql-ws calls this once per subscription, with its id.
        context: async ({ req, extra }: { req?: Request; extra?: WsExtra }, id?: unknown): Promise<GraphqlContext> => {
          if (extra) {
            return {
              caller: extra.viewer,
              outlet: typeof id === 'string' ? { id, socket: extra.socket } : undefined,
              tooSlow: (reason) => {
                sessions.dropped('slow', 'graphql-ws');
                closeConnection(extra, CLOSE_TOO_SLOW, reason);
              },
            };
          }
          return graphqlCaller(bearerToken(req?.headers.authorization), (token) => authenticator.authenticate(token));
        },
      }),
    }),
  ],
  providers: [ChangesResolver, ChangesHandler, PackageUpdatedResolver, PackageUpdatedHandler, ViewerResolver],
})
export class SubscriptionsModule {}

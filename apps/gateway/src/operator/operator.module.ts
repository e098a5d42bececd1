import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { CLOSE_TRY_AGAIN_LATER, graphqlEndpointOptions, graphqlPrincipal, graphqlWsLimits, isOutage, TRY_AGAIN_LATER_REASON } from '@tributary/edge';
import { ApiKeys, bearerToken } from '@tributary/tenancy';
import type { Request } from 'express';
import type { WebSocket } from 'ws';
import { DataSource } from 'typeorm';
import { GatewayConfig } from '../gateway.config.js';
import { DeliveryTap } from './delivery-tap.js';
import type { OperatorContext } from './operator-access.js';
import { OperatorFeed } from './operator-feed.js';
import { OperatorPageController } from './operator-page.controller.js';
import { OperatorReadModel } from './operator-read-model.js';
import { OperatorResolver } from './operator.resolver.js';
import { WebhookIngressModule } from '../webhooks/webhook-ingress.module.js';

/** Where the operator page's GraphQL API (HTTP and graphql-ws) is served; the page is at /ui. */
export const OPERATOR_GRAPHQL_PATH = '/ui/graphql';

@Module({ imports: [WebhookIngressModule], providers: [OperatorResolver, OperatorReadModel, OperatorFeed, DeliveryTap] })
class OperatorApiModule {}

/**
 * The operator page at /ui (a static page: it holds no data) and its own GraphQL endpoint at
 * /ui/graphql, where everything is behind the platform admin key: queries and the redrive over HTTP
 * with `Authorization: Bearer`, live updates over graphql-ws with the key in `connectionParams`
 * (a connection without the admin key is refused).
 */
@Module({
  imports: [
    OperatorApiModule,
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      inject: [DataSource, ApiKeys, GatewayConfig],
      useFactory: (dataSource: DataSource, apiKeys: ApiKeys, config: GatewayConfig): ApolloDriverConfig => ({
        path: OPERATOR_GRAPHQL_PATH,
        include: [OperatorApiModule],
        autoSchemaFile: true,
        sortSchema: true,
        ...graphqlEndpointOptions(config.graphqlLimits),
        subscriptions: {
          'graphql-ws': {
            path: OPERATOR_GRAPHQL_PATH,
            ...graphqlWsLimits(config.graphqlLimits),
            onConnect: async (context) => {
              const params = (context.connectionParams ?? {}) as Record<string, unknown>;
              try {
                const principal = await apiKeys.authenticate(dataSource, bearerToken(params.authorization ?? params.Authorization));
                if (principal.kind !== 'platform_admin') return false;
                (context.extra as OperatorContext).principal = principal;
                return true;
              } catch (error) {
                // An outage is not a wrong key: the client is told to come back (graphql-ws would close 4403).
                if (isOutage(error)) (context.extra as { socket: WebSocket }).socket.close(CLOSE_TRY_AGAIN_LATER, TRY_AGAIN_LATER_REASON);
                return false;
              }
            },
          },
        },
        context: async ({ req, extra }: { req?: Request; extra?: OperatorContext }): Promise<OperatorContext> => {
          if (extra) return { principal: extra.principal };
          const token = bearerToken(req?.headers.authorization);
          if (!token) return {};
          return { principal: await graphqlPrincipal(apiKeys.authenticate(dataSource, token)) };
        },
      }),
    }),
  ],
  controllers: [OperatorPageController],
})
export class OperatorModule {}

import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { CLOSE_TRY_AGAIN_LATER, graphqlCaller, graphqlEndpointOptions, graphqlWsLimits, isOutage, TRY_AGAIN_LATER_REASON, type GraphqlCallerContext } from '@tributary/edge';
import { ApiKeys, bearerToken, type Principal } from '@tributary/tenancy';
import type { Request } from 'express';
import type { WebSocket } from 'ws';
import { DataSource } from 'typeorm';
import { GatewayConfig } from '../gateway.config.js';
import { WebhookIngressModule } from '../webhooks/webhook-ingress.module.js';
import { GetOperatorOverviewHandler } from './get-overview/get-overview.handler.js';
import { GetOperatorOverviewResolver } from './get-overview/get-overview.resolver.js';
import { GetOperatorTimeseriesHandler } from './get-timeseries/get-timeseries.handler.js';
import { GetOperatorTimeseriesResolver } from './get-timeseries/get-timeseries.resolver.js';
import { LagSampler } from './lag-history/lag-sampler.js';
import { ListOperatorWorkHandler } from './list-work/list-work.handler.js';
import { ListOperatorWorkResolver } from './list-work/list-work.resolver.js';
import { OperatorPageController } from './operator-page/operator-page.controller.js';
import { OperatorReadModel } from './operator-read-model.js';
import { RedriveDeadLetterHandler } from './redrive-dead-letter/redrive-dead-letter.handler.js';
import { RedriveDeadLetterResolver } from './redrive-dead-letter/redrive-dead-letter.resolver.js';
import { TraceOperatorEventHandler } from './trace-event/trace-event.handler.js';
import { TraceOperatorEventResolver } from './trace-event/trace-event.resolver.js';
import { DeliveryTap } from './watch-platform/delivery-tap.js';
import { OperatorFeed } from './watch-platform/operator-feed.js';
import { WatchPlatformResolver } from './watch-platform/watch-platform.resolver.js';

/** Where the operator page's GraphQL API (HTTP and graphql-ws) is served; the page is at /ui. */
export const OPERATOR_GRAPHQL_PATH = '/ui/graphql';

/** What a graphql-ws connection of the operator page carries from `onConnect` to every operation. */
type OperatorConnection = { caller?: Principal };

@Module({
  imports: [WebhookIngressModule],
  providers: [
    OperatorReadModel,
    OperatorFeed,
    DeliveryTap,
    GetOperatorOverviewHandler,
    GetOperatorOverviewResolver,
    RedriveDeadLetterHandler,
    RedriveDeadLetterResolver,
    WatchPlatformResolver,
    LagSampler,
    GetOperatorTimeseriesHandler,
    GetOperatorTimeseriesResolver,
    TraceOperatorEventHandler,
    TraceOperatorEventResolver,
    ListOperatorWorkHandler,
    ListOperatorWorkResolver,
  ],
})
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
                const caller = await apiKeys.authenticate(dataSource, bearerToken(params.authorization ?? params.Authorization));
                if (caller.kind !== 'platform_admin') return false;
                (context.extra as OperatorConnection).caller = caller;
                return true;
              } catch (error) {
                // An outage is not a wrong key: the client is told to come back (graphql-ws would close 4403).
                if (isOutage(error)) (context.extra as { socket: WebSocket }).socket.close(CLOSE_TRY_AGAIN_LATER, TRY_AGAIN_LATER_REASON);
                return false;
              }
            },
          },
        },
        context: ({ req, extra }: { req?: Request; extra?: OperatorConnection }): Promise<GraphqlCallerContext<Principal>> | GraphqlCallerContext<Principal> =>
          extra ? { caller: extra.caller } : graphqlCaller(bearerToken(req?.headers.authorization), (token) => apiKeys.authenticate(dataSource, token)),
      }),
    }),
  ],
  controllers: [OperatorPageController],
})
export class OperatorModule {}

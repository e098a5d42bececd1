import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { Metrics } from '@tributary/runtime';
import { ApiKeys, bearerToken } from '@tributary/tenancy';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { CaptureModule } from '../capture/capture.module.js';
import type { GraphqlContext } from './graphql-principal.js';
import { PackageUpdatedResolver } from './package-updated/package-updated.resolver.js';

interface WsExtra {
  principal?: GraphqlContext['principal'];
}

@Module({
  imports: [
    CaptureModule,
    GraphQLModule.forRootAsync<ApolloDriverConfig>({
      driver: ApolloDriver,
      inject: [DataSource, ApiKeys, Metrics],
      useFactory: (dataSource: DataSource, apiKeys: ApiKeys, metrics: Metrics): ApolloDriverConfig => {
        const connected = metrics.settableGauge('tributary_connected_clients', 'Clients connected over graphql-ws');
        return {
        autoSchemaFile: true,
        sortSchema: true,
        subscriptions: {
          'graphql-ws': {
            // A connection without a valid key is refused before any subscription starts (close 4403).
            onConnect: async (context) => {
              const params = (context.connectionParams ?? {}) as Record<string, unknown>;
              try {
                (context.extra as WsExtra).principal = await apiKeys.authenticate(
                  dataSource,
                  bearerToken(params.authorization ?? params.Authorization),
                );
                connected.inc();
                return true;
              } catch {
                return false;
              }
            },
            onDisconnect: (context) => {
              if ((context.extra as WsExtra).principal) connected.dec();
            },
          },
        },
        context: async ({ req, extra }: { req?: Request; extra?: WsExtra }): Promise<GraphqlContext> => {
          if (extra) return { principal: extra.principal };
          const token = bearerToken(req?.headers.authorization);
          if (!token) return {};
          return { principal: await apiKeys.authenticate(dataSource, token).catch(() => undefined) };
        },
      };
      },
    }),
  ],
  providers: [PackageUpdatedResolver],
})
export class SubscriptionsModule {}

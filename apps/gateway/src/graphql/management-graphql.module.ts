import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { graphqlCaller, graphqlEndpointOptions, GraphqlSdl, GraphqlSdlModule, type GraphqlCallerContext } from '@tributary/edge';
import { ApiKeys, bearerToken, type Principal } from '@tributary/tenancy';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { GatewayConfig } from '../gateway.config.js';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { AppsModule } from '../apps/apps.module.js';
import { IntegrationsModule } from '../integrations/integrations.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { UsersModule } from '../users/users.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';

/**
 * GraphQL at /graphql over the same commands and queries as the REST routes (so the same checks): every
 * request is authenticated by its `Authorization: Bearer <API key>`; resolvers take `@GqlCaller()`.
 */
export const managementGraphql = () =>
  GraphQLModule.forRootAsync<ApolloDriverConfig>({
    driver: ApolloDriver,
    // Its schema is the one published at /docs-graphql (the operator page's is not).
    imports: [GraphqlSdlModule],
    inject: [DataSource, ApiKeys, GatewayConfig, GraphqlSdl],
    useFactory: (dataSource: DataSource, apiKeys: ApiKeys, config: GatewayConfig, sdl: GraphqlSdl): ApolloDriverConfig => ({
      autoSchemaFile: true,
      sortSchema: true,
      ...graphqlEndpointOptions(config.graphqlLimits, sdl),
      path: '/graphql',
      // Only the management domain: the operator page has its own endpoint and schema.
      include: [TenantsModule, UsersModule, ApiKeysModule, AppsModule, IntegrationsModule, WebhooksModule],
      context: ({ req }: { req: Request }): Promise<GraphqlCallerContext<Principal>> =>
        graphqlCaller(bearerToken(req.headers.authorization), (token) => apiKeys.authenticate(dataSource, token)),
    }),
  });

@Module({ imports: [managementGraphql()] })
export class ManagementGraphqlModule {}

import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { graphqlEndpointOptions, isOutage, toGraphqlError } from '@tributary/edge';
import { ApiKeys, bearerToken } from '@tributary/tenancy';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { GatewayConfig } from '../gateway.config.js';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { AppsModule } from '../apps/apps.module.js';
import { IntegrationsModule } from '../integrations/integrations.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { UsersModule } from '../users/users.module.js';
import { WebhooksModule } from '../webhooks/webhooks.module.js';
import type { GraphqlContext } from './graphql-caller.js';

/**
 * GraphQL at /graphql over the same services as the REST routes (so the same checks): every
 * request is authenticated by its `Authorization: Bearer <API key>`.
 */
export const managementGraphql = () =>
  GraphQLModule.forRootAsync<ApolloDriverConfig>({
    driver: ApolloDriver,
    inject: [DataSource, ApiKeys, GatewayConfig],
    useFactory: (dataSource: DataSource, apiKeys: ApiKeys, config: GatewayConfig): ApolloDriverConfig => ({
      autoSchemaFile: true,
      sortSchema: true,
      ...graphqlEndpointOptions(config.graphqlLimits),
      path: '/graphql',
      // Only the management domain: the operator page has its own endpoint and schema.
      include: [TenantsModule, UsersModule, ApiKeysModule, AppsModule, IntegrationsModule, WebhooksModule],
      context: async ({ req }: { req: Request }): Promise<GraphqlContext> => {
        const token = bearerToken(req.headers.authorization);
        if (!token) return {};
        try {
          return { principal: await apiKeys.authenticate(dataSource, token) };
        } catch (error) {
          // An outage fails the whole request (503), as on the other endpoints; a refused key is each field's error.
          if (isOutage(error)) throw toGraphqlError(error);
          return { authError: error };
        }
      },
    }),
  });

@Module({ imports: [managementGraphql()] })
export class ManagementGraphqlModule {}

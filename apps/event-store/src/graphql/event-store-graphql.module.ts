import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { graphqlEndpointOptions, graphqlPrincipal } from '@tributary/edge';
import { ApiKeys, bearerToken } from '@tributary/tenancy';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { EventStoreConfig } from '../event-store.config.js';
import type { GraphqlContext } from './graphql-context.js';

/**
 * GraphQL over HTTP at /graphql (queries and mutations; resolvers come from the features and the
 * plugins, the modules `include`d). The caller's API key (`Authorization: Bearer …`) is checked per
 * request; resolvers refuse to work without a principal.
 */
@Module({})
export class EventStoreGraphqlModule {
  static forRoot(include: Type[]): DynamicModule {
    return { module: EventStoreGraphqlModule, imports: [graphqlModule(include)] };
  }
}

const graphqlModule = (include: Type[]) =>
  GraphQLModule.forRootAsync<ApolloDriverConfig>({
    driver: ApolloDriver,
    inject: [DataSource, ApiKeys, EventStoreConfig],
    useFactory: (dataSource: DataSource, apiKeys: ApiKeys, config: EventStoreConfig): ApolloDriverConfig => ({
      include,
      autoSchemaFile: true,
      sortSchema: true,
      ...graphqlEndpointOptions(config.graphqlLimits),
      context: async ({ req }: { req: Request }): Promise<GraphqlContext> => {
        const token = bearerToken(req.headers.authorization);
        if (!token) return {};
        return { principal: await graphqlPrincipal(apiKeys.authenticate(dataSource, token)) };
      },
    }),
  });

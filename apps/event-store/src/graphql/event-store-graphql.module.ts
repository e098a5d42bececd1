import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { graphqlCaller, graphqlEndpointOptions, GraphqlSdl, GraphqlSdlModule, type GraphqlCallerContext } from '@tributary/edge';
import { ApiKeys, bearerToken, type Principal } from '@tributary/tenancy';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { EventStoreConfig } from '../event-store.config.js';

/**
 * GraphQL over HTTP at /graphql (queries and mutations; resolvers come from the features and the
 * plugins, the modules `include`d). The caller's API key (`Authorization: Bearer …`) is checked per
 * request; resolvers take the caller with `@GqlCaller()`, which answers a refused key as REST would.
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
    imports: [GraphqlSdlModule],
    inject: [DataSource, ApiKeys, EventStoreConfig, GraphqlSdl],
    useFactory: (dataSource: DataSource, apiKeys: ApiKeys, config: EventStoreConfig, sdl: GraphqlSdl): ApolloDriverConfig => ({
      include,
      autoSchemaFile: true,
      sortSchema: true,
      ...graphqlEndpointOptions(config.graphqlLimits, sdl),
      context: ({ req }: { req: Request }): Promise<GraphqlCallerContext<Principal>> =>
        graphqlCaller(bearerToken(req.headers.authorization), (token) => apiKeys.authenticate(dataSource, token)),
    }),
  });

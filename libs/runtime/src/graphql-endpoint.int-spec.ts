import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { BadRequestException, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Field, GraphQLModule, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { TributaryError } from '@tributary/domain';
import { graphqlEndpointOptions } from './graphql-endpoint.js';
import { configureHttpEdge } from './http-edge.js';

/** A value a field cannot represent: graphql-js fails it after the resolver, outside any exception filter. */
@ObjectType()
class Measure {
  @Field(() => Int)
  bytes!: number;
}

@Resolver()
class ProbeResolver {
  @Query(() => Int)
  failing(): number {
    throw new Error('connection to postgres://app:hunter2@db/prod refused');
  }

  @Query(() => Int)
  coded(): number {
    throw new TributaryError('not_found', 'thing_not_found', 'No such thing');
  }

  @Query(() => Int)
  refusedByPipe(): number {
    throw new BadRequestException('first must be a positive integer');
  }

  @Query(() => Measure)
  overflowing(): Measure {
    return { bytes: 2 ** 40 };
  }
}

@Module({
  imports: [
    GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true, include: [ProbeModule], ...graphqlEndpointOptions }),
  ],
  providers: [ProbeResolver],
})
class ProbeModule {}

/**
 * The error answers of a GraphQL endpoint configured as every app's is (graphqlEndpointOptions and
 * the platform's exception filter), over HTTP. NODE_ENV=development: Apollo's default is then to
 * send stack traces.
 */
describe('GraphQL endpoint errors', () => {
  let app: INestApplication;
  let url: string;
  const nodeEnv = process.env.NODE_ENV;

  beforeAll(async () => {
    process.env.NODE_ENV = 'development';
    app = await NestFactory.create(ProbeModule, { bodyParser: false, logger: false });
    configureHttpEdge(app);
    await app.listen(0, '127.0.0.1');
    url = `${await app.getUrl()}/graphql`.replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    process.env.NODE_ENV = nodeEnv;
  });

  const ask = async (query: string) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    return { status: response.status, body: JSON.parse(await response.text()) as { errors: { message: string; extensions: Record<string, unknown> }[] } };
  };

  it('answers an unexpected error with code internal, and neither its message nor a stack trace', async () => {
    for (const query of ['{ failing }', '{ overflowing { bytes } }']) {
      const { body } = await ask(query);
      expect({ query, errors: body.errors.map((e) => ({ message: e.message, extensions: e.extensions })) }).toEqual({
        query,
        errors: [{ message: 'Internal error', extensions: { code: 'internal', status: 500 } }],
      });
    }
  });

  it('answers a coded error with its code and status, without a stack trace', async () => {
    const { body } = await ask('{ coded }');
    expect(body.errors.map((e) => ({ message: e.message, extensions: e.extensions }))).toEqual([
      { message: 'No such thing', extensions: { code: 'thing_not_found', status: 404 } },
    ]);
  });

  it("answers a Nest pipe's 400 as bad_request, not as an internal error", async () => {
    const { body } = await ask('{ refusedByPipe }');
    expect(body.errors.map((e) => ({ message: e.message, extensions: e.extensions }))).toEqual([
      { message: 'first must be a positive integer', extensions: { code: 'bad_request', status: 400 } },
    ]);
  });

  it("answers a malformed query with Apollo's code, without a stack trace", async () => {
    const { status, body } = await ask('{ failing');
    expect(status).toBe(400);
    expect(body.errors.map((e) => e.extensions)).toEqual([{ code: 'GRAPHQL_PARSE_FAILED' }]);
  });
});

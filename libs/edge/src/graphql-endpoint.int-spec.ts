import { connect } from 'node:net';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { BadRequestException, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Args, Field, GraphQLModule, Int, ObjectType, Query, Resolver, Subscription } from '@nestjs/graphql';
import { TributaryError } from '@tributary/domain';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { graphqlEndpointOptions } from './graphql-endpoint.js';
import { DEFAULT_GRAPHQL_LIMITS } from './graphql-limits.js';
import { graphqlWsLimits } from './graphql-ws-limits.js';
import { configureHttpEdge } from './http-edge.js';

/** A value a field cannot represent: graphql-js fails it after the resolver, outside any exception filter. */
@ObjectType()
class Measure {
  @Field(() => Int)
  bytes!: number;
}

/** A chain as deep as a query asks. */
@ObjectType()
class Link {
  @Field(() => Int)
  n!: number;

  @Field(() => Link)
  next!: Link;
}

const chain = (n: number): Link => {
  const link = { n } as Link;
  link.next = link;
  return link;
};

@Resolver()
class ProbeResolver {
  @Query(() => Int)
  failing(): number {
    throw new Error('connection to postgres://app:hunter2@db/prod refused');
  }

  @Query(() => Int)
  coded(): number {
    throw new TributaryError('not_found', 'stream_not_found', 'No such thing');
  }

  @Query(() => Int)
  refusedByPipe(): number {
    throw new BadRequestException('first must be a positive integer');
  }

  @Query(() => Measure)
  overflowing(): Measure {
    return { bytes: 2 ** 40 };
  }

  @Query(() => [Link])
  links(@Args('first', { type: () => Int, defaultValue: 10 }) first: number): Link[] {
    return Array.from({ length: Math.min(first, 3) }, (_, i) => chain(i));
  }

  @Subscription(() => Link, { resolve: (link: Link) => link })
  async *ticks(@Args('label') _label: string): AsyncGenerator<Link> {
    yield chain(7);
  }
}

@Module({
  imports: [
    GraphQLModule.forRoot<ApolloDriverConfig>({
      driver: ApolloDriver,
      autoSchemaFile: true,
      include: [ProbeModule],
      ...graphqlEndpointOptions(DEFAULT_GRAPHQL_LIMITS),
      subscriptions: { 'graphql-ws': { ...graphqlWsLimits(DEFAULT_GRAPHQL_LIMITS) } },
    }),
  ],
  providers: [ProbeResolver],
})
class ProbeModule {}

/**
 * The error answers of a GraphQL endpoint configured as every app's is (graphqlEndpointOptions,
 * graphqlWsLimits, the HTTP edge and the platform's exception filter), over HTTP and graphql-ws.
 * NODE_ENV=development: Apollo's default is then to send stack traces, and to serve GraphiQL.
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
    return { status: response.status, body: JSON.parse(await response.text()) as { data?: Record<string, unknown>; errors: { message: string; extensions: Record<string, unknown> }[] } };
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
      { message: 'No such thing', extensions: { code: 'stream_not_found', status: 404 } },
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

  describe('limits', () => {
    const aliases = (count: number) => `{ ${Array.from({ length: count }, (_, i) => `a${i}: links(first: 1) { n }`).join(' ')} }`;
    const deep = (levels: number) => `{ links { ${'next { '.repeat(levels - 2)}n${' }'.repeat(levels - 2)} } }`;
    const refusal = async (query: string) => {
      const { status, body } = await ask(query);
      return { status, errors: body.errors.map((e) => e.extensions) };
    };

    it('refuses a document of 20,000 aliases before parsing it to the end', async () => {
      expect(await refusal(aliases(20_000))).toEqual({ status: 400, errors: [{ code: 'query_too_large', status: 400 }] });
    });

    it('refuses more aliases than GRAPHQL_MAX_ALIASES', async () => {
      expect(await refusal(aliases(101))).toEqual({ status: 400, errors: [{ code: 'too_many_aliases', status: 400 }] });
    });

    it('refuses a query nested deeper than GRAPHQL_MAX_DEPTH', async () => {
      expect(await refusal(deep(16))).toEqual({ status: 400, errors: [{ code: 'query_too_deep', status: 400 }] });
    });

    it('refuses a query costing more than GRAPHQL_MAX_COST', async () => {
      expect(await refusal('{ a: links(first: 3000) { next { n } } b: links(first: 3000) { next { n } } }')).toEqual({
        status: 400,
        errors: [{ code: 'query_too_costly', status: 400 }],
      });
    });

    it('answers a query within the limits', async () => {
      const { status, body } = await ask(`{ links(first: 2) { n next { n } } deep: ${deep(15).slice(2, -1)} }`);
      expect({ status, links: body.data?.links }).toEqual({ status: 200, links: [{ n: 0, next: { n: 0 } }, { n: 1, next: { n: 1 } }] });
    });
  });

  describe('requests refused before they reach the app', () => {
    const contractBody = (code: string) => ({ error: { code, message: expect.any(String) }, traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });

    it('answers headers larger than Node accepts 431 in the error format, and closes the connection', async () => {
      const response = await fetch(url, { headers: { 'x-padding': 'a'.repeat(100_000) } });
      expect({ status: response.status, type: response.headers.get('content-type'), connection: response.headers.get('connection') }).toEqual({
        status: 431,
        type: 'application/json; charset=utf-8',
        connection: 'close',
      });
      const body = (await response.json()) as { traceId: string };
      expect(body).toEqual(contractBody('headers_too_large'));
      expect(response.headers.get('x-trace-id')).toBe(body.traceId);
    });

    it('answers a request Node cannot parse 400 bad_request in the error format', async () => {
      const { port } = new URL(url);
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.write('GET /graphql HTTP/1.1\r\nHost: x\r\nNot A Header\r\n\r\n'));
        let text = '';
        socket.on('data', (chunk) => (text += chunk.toString()));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
      const [head, body] = answer.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(head).toContain('connection: close');
      expect(JSON.parse(body!)).toEqual(contractBody('bad_request'));
    });

    it('keeps idle connections open longer than the proxies in front do (65 s), announced in Keep-Alive', async () => {
      const response = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
      await response.arrayBuffer();
      expect(response.headers.get('keep-alive')).toBe('timeout=65');
    });

    it('answers an HTTP/1.1 request without a Host header 400 bad_request in the error format', async () => {
      const { port } = new URL(url);
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.write('GET /graphql HTTP/1.1\r\nConnection: close\r\n\r\n'));
        let text = '';
        socket.on('data', (chunk) => (text += chunk.toString()));
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
      const [head, body] = answer.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(JSON.parse(body!)).toEqual({ ...contractBody('bad_request'), error: { code: 'bad_request', message: 'An HTTP/1.1 request needs a Host header' } });
    });

    it('answers what Apollo refuses as a possible CSRF 400 csrf_refused in the error format', async () => {
      const simplePost = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ links { n } }' }) });
      const plainGet = await fetch(`${url}?query=${encodeURIComponent('{ links { n } }')}`);
      for (const response of [simplePost, plainGet]) {
        expect({ status: response.status, body: await response.json() }).toEqual({ status: 400, body: contractBody('csrf_refused') });
      }
    });

    it('still answers a GET that says it is not a form, and serves GraphiQL to a browser', async () => {
      const query = `${url}?query=${encodeURIComponent('{ links(first: 1) { n } }')}`;
      const preflighted = await fetch(query, { headers: { 'apollo-require-preflight': 'true' } });
      expect({ status: preflighted.status, body: await preflighted.json() }).toEqual({ status: 200, body: { data: { links: [{ n: 0 }] } } });
      const browser = await fetch(url, { headers: { accept: 'text/html' } });
      expect({ status: browser.status, type: browser.headers.get('content-type') }).toEqual({ status: 200, type: expect.stringContaining('text/html') });
    });
  });

  describe('over graphql-ws', () => {
    let client: Client;
    let closed: unknown;

    beforeAll(() => {
      client = createClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: false,
        onNonLazyError: () => undefined,
        on: { closed: (event) => (closed = event) },
      });
    });

    afterAll(() => client?.dispose());

    /** What one subscription ends with: its values once complete, or the codes of its `error` message. */
    const outcome = (query: string, variables: Record<string, unknown> = {}) =>
      new Promise<{ values?: unknown[]; codes?: unknown[] }>((resolve) => {
        const values: unknown[] = [];
        client.subscribe(
          { query, variables },
          {
            next: (value) => values.push(value),
            error: (errors) => resolve({ codes: (errors as { extensions?: { code?: unknown } }[]).map((e) => e.extensions?.code) }),
            complete: () => resolve({ values }),
          },
        );
      });

    it('refuses a NUL, a syntax error, too many tokens or bytes and a document past the limits with an error message, and keeps the connection', async () => {
      const ticks = 'subscription ($label: String!) { ticks(label: $label) { n } }';
      expect(await outcome(ticks, { label: 'a\u0000b' })).toEqual({ codes: ['invalid_characters'] });
      expect(await outcome('subscription { ticks(label: "a\\u0000b") { n } }')).toEqual({ codes: ['invalid_characters'] });
      expect(await outcome('subscription { ticks(label: "x") { n }')).toEqual({ codes: ['GRAPHQL_PARSE_FAILED'] });
      expect(await outcome(`subscription { ticks(label: "x") { ${'n '.repeat(20_000)}} }`)).toEqual({ codes: ['query_too_large'] });
      expect(await outcome(ticks, { label: 'x'.repeat(70_000) })).toEqual({ codes: ['query_too_large'] });
      expect(await outcome(`subscription { ticks(label: "x") { ${'next { '.repeat(14)}n${' }'.repeat(14)} } }`)).toEqual({ codes: ['query_too_deep'] });
      expect(await outcome(ticks, { label: 'x' })).toEqual({ values: [{ data: { ticks: { n: 7 } } }] });
      expect(closed).toBeUndefined();
    });
  });
});

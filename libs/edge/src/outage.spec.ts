import { TributaryError } from '@tributary/domain';
import { codedError, isOutage, noPrincipalUnlessOutage } from './outage.js';

const withProps = (message: string, props: Record<string, unknown>) => Object.assign(new Error(message), props);

describe('isOutage', () => {
  it.each([
    ['pg: connection refused', withProps('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' })],
    ['pg: both addresses refused (AggregateError)', new AggregateError([withProps('a', { code: 'ECONNREFUSED' }), withProps('b', { code: 'ECONNREFUSED' })], '')],
    ['pg: connection lost mid-query', new Error('Connection terminated unexpectedly')],
    ['pg-pool: no connection in time', new Error('timeout exceeded when trying to connect')],
    ['pg: a client whose connection broke', new Error('Client has encountered a connection error and is not queryable')],
    ['PostgreSQL shutting down (57P01)', withProps('terminating connection due to administrator command', { code: '57P01' })],
    ['PostgreSQL starting up (57P03)', withProps('the database system is starting up', { code: '57P03' })],
    ['PostgreSQL: too many connections (53300)', withProps('sorry, too many clients already', { code: '53300' })],
    ['PostgreSQL connection exception (08006)', withProps('connection failure', { code: '08006' })],
    ['TypeORM QueryFailedError around a lost connection', withProps('Connection terminated', { name: 'QueryFailedError', driverError: new Error('Connection terminated') })],
    ['mysql2: connection lost', withProps('Connection lost: The server closed the connection.', { code: 'PROTOCOL_CONNECTION_LOST', fatal: true })],
    ['kafkajs: broker unreachable', withProps('Connection error', { name: 'KafkaJSConnectionError' })],
    ['kafkajs: retries exhausted', withProps('retries exceeded', { name: 'KafkaJSNumberOfRetriesExceeded' })],
    ['ioredis: retries per request exhausted', withProps('Reached the max retries per request limit', { name: 'MaxRetriesPerRequestError' })],
    ['a cause chain', new Error('lookup failed', { cause: withProps('read ECONNRESET', { code: 'ECONNRESET' }) })],
    ['a coded unavailable error', new TributaryError('unavailable', 'unavailable', 'x')],
  ])('%s is an outage', (_, error) => {
    expect(isOutage(error)).toBe(true);
  });

  it.each([
    ['a unique violation (23505)', withProps('duplicate key value', { code: '23505' })],
    ['a syntax error (42601)', withProps('syntax error', { code: '42601' })],
    ['a serialization failure (40001)', withProps('could not serialize', { code: '40001' })],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a refused credential', new TributaryError('unauthenticated', 'unauthenticated', 'x')],
    ['an AggregateError with one non-outage', new AggregateError([withProps('a', { code: 'ECONNREFUSED' }), new Error('b')], '')],
    ['a string', 'ECONNREFUSED'],
    ['a cycle of causes', (() => { const e = new Error('x') as Error & { cause?: unknown }; e.cause = e; return e; })()],
  ])('%s is not', (_, error) => {
    expect(isOutage(error)).toBe(false);
  });
});

describe('codedError and noPrincipalUnlessOutage', () => {
  it('maps an outage to unavailable, keeps coded errors and leaves bugs uncoded', () => {
    expect(codedError(new Error('Connection terminated unexpectedly'))).toMatchObject({ kind: 'unavailable', code: 'unavailable' });
    const refused = new TributaryError('forbidden', 'tenant_disabled', 'x');
    expect(codedError(refused)).toBe(refused);
    expect(codedError(new TypeError('bug'))).toBeUndefined();
  });

  it('reads a refused credential as no principal, but throws an outage on as unavailable and a bug as is', () => {
    expect(noPrincipalUnlessOutage(new TributaryError('unauthenticated', 'unauthenticated', 'x'))).toBeUndefined();
    expect(() => noPrincipalUnlessOutage(withProps('x', { code: 'ECONNREFUSED' }))).toThrow(expect.objectContaining({ code: 'unavailable' }));
    const bug = new TypeError('bug');
    expect(() => noPrincipalUnlessOutage(bug)).toThrow(bug);
  });
});

import { AppConfig, MessagingAppConfig } from './app-config.js';
import { loadConfig } from './config.js';

class ExampleConfig extends MessagingAppConfig {
  override PORT = 3999;
}

const failure = (fn: () => unknown): string => {
  try {
    fn();
    return '';
  } catch (error) {
    return (error as Error).message;
  }
};

describe('loadConfig', () => {
  const valid = { DATABASE_URL: 'postgres://x@localhost/test', TRIBUTARY_SIGNING_KEY: 'k' };

  it('applies the app’s defaults and converts numbers', () => {
    const config = loadConfig(ExampleConfig, { ...valid, LOG_LEVEL: 'debug' });
    expect(config).toMatchObject({ PORT: 3999, LOG_LEVEL: 'debug', TRIBUTARY_SIGNING_KEY_ID: 'k1' });
    expect(loadConfig(ExampleConfig, { ...valid, PORT: '8080' }).PORT).toBe(8080);
    expect(config.signing).toEqual({ active: { id: 'k1', secret: 'k' } });
  });

  it('leaves INTERNAL_PORT unset unless given (everything on PORT), and reads it when given', () => {
    expect(loadConfig(ExampleConfig, valid).INTERNAL_PORT).toBeUndefined();
    expect(loadConfig(ExampleConfig, { ...valid, INTERNAL_PORT: '3100' }).INTERNAL_PORT).toBe(3100);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(AppConfig, { DATABASE_URL: 'postgres://x/test', TRIBUTARY_NOTIFY_URL: '' }).TRIBUTARY_NOTIFY_URL).toBeUndefined();
  });

  it.each([
    ['a missing required variable', { TRIBUTARY_SIGNING_KEY: 'k' }, 'DATABASE_URL'],
    ['a port that is not a number', { ...valid, PORT: 'eighty' }, 'PORT'],
    ['a port out of range', { ...valid, PORT: '70000' }, 'PORT'],
    ['an unknown log level', { ...valid, LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    ['an internal port that is not a number', { ...valid, INTERNAL_PORT: 'metrics' }, 'INTERNAL_PORT'],
    ['an internal port equal to the port', { ...valid, INTERNAL_PORT: '3999' }, 'INTERNAL_PORT'],
  ])('fails start-up on %s, naming the variable', (_, env, variable) => {
    expect(failure(() => loadConfig(ExampleConfig, env))).toMatch(new RegExp(`^Invalid configuration:\\n  ${variable}: `));
  });

  it('selects the kafka transport with its connection, SASL passed through', () => {
    const config = loadConfig(ExampleConfig, {
      ...valid,
      TRIBUTARY_TRANSPORT: 'kafka',
      KAFKA_BROKERS: 'k1:9092,k2:9092',
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'p',
      KAFKA_PARTITIONS: '12',
    });
    expect(config.transport).toEqual({
      kind: 'kafka',
      connection: { brokers: ['k1:9092', 'k2:9092'], clientId: 'tributary', ssl: true, sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' } },
      partitions: 12,
      replicationFactor: 1,
      sessionTimeoutMs: 30_000,
      listenUrl: undefined,
    });
    expect(loadConfig(ExampleConfig, valid).transport).toEqual({ kind: 'postgres', listenUrl: undefined });
    expect(loadConfig(ExampleConfig, { ...valid, KAFKA_SSL: 'false' }).KAFKA_SSL).toBe(false);
  });

  it.each([
    ['kafka without brokers', { TRIBUTARY_TRANSPORT: 'kafka' }, 'KAFKA_BROKERS'],
    ['brokers without ports', { TRIBUTARY_TRANSPORT: 'kafka', KAFKA_BROKERS: 'k1,k2' }, 'KAFKA_BROKERS'],
    ['a flag that is not a boolean', { KAFKA_SSL: 'maybe' }, 'KAFKA_SSL'],
    ['an unknown transport', { TRIBUTARY_TRANSPORT: 'carrier-pigeon' }, 'TRIBUTARY_TRANSPORT'],
    ['SASL without a password', { TRIBUTARY_TRANSPORT: 'kafka', KAFKA_BROKERS: 'k:1', KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' }, 'KAFKA_SASL_PASSWORD'],
  ])('rejects %s', (_, env, variable) => {
    expect(failure(() => loadConfig(ExampleConfig, { ...valid, ...env }))).toMatch(new RegExp(`  ${variable}: `));
  });

  it('never echoes a value into the error (it may be a secret)', () => {
    expect(failure(() => loadConfig(ExampleConfig, { ...valid, PORT: 'secret-looking-value' }))).not.toContain('secret-looking-value');
  });
});

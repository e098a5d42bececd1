import { TributaryError } from '@tributary/domain';
import { Topics } from '@tributary/topics';
import { fromKafkaMessage, toKafkaMessage } from '../kafka/kafka-envelope.js';
import { MessageSigner } from '../signing/message-signer.js';
import { createEnvelope, type Envelope, type EnvelopeOrigin } from './envelope.js';
import { isExpired, queueHeadersOf, routingKeyOf, type QueueOptions } from './queue-headers.js';

const data = { trackingId: 'PKG-1', carrier: 'DHL', status: 'In Transit', occurredAt: '2026-11-23T10:00:00Z' };
const time = new Date('2026-11-23T10:00:00.000Z');
const origin: EnvelopeOrigin = {
  source: 'gateway',
  tenantId: 'tenant-1',
  time,
  id: '0190f3b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
};
const signer = new MessageSigner({ active: { id: 'k1', secret: 'queue-secret' } });

const envelopeWith = (queue?: QueueOptions) => createEnvelope(Topics.carrierUpdateReceived, data, { ...origin, queue });

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof TributaryError ? error.code : 'not a TributaryError';
  }
};

const full: QueueOptions = {
  priority: 7,
  delayMs: 60_000,
  ttlMs: 3_600_000,
  replyTo: 'integration.reply.v1',
  inReplyTo: '0190f3b4-0000-7000-8000-000000000001',
  routingKey: 'eu.parcels',
  headers: { region: 'eu', 'x-carrier': 'dhl' },
};

describe('queue attributes of an envelope', () => {
  it('adds nothing when no queue header is set, or only the defaults (the envelope and its signature stay as they were)', () => {
    const plain = envelopeWith();
    expect(envelopeWith({})).toEqual(plain);
    expect(envelopeWith({ priority: 0, headers: {} })).toEqual(plain);
    expect(Object.keys(plain)).not.toEqual(expect.arrayContaining(['priority']));
    expect(signer.sign(envelopeWith({ priority: 0 })).signature).toBe(signer.sign(plain).signature);
  });

  it('writes each header as a lower-case attribute, times as RFC 3339 from the message time', () => {
    const envelope = envelopeWith(full);
    expect(envelope).toMatchObject({
      priority: 7,
      notbefore: '2026-11-23T10:01:00.000Z',
      expires: '2026-11-23T11:00:00.000Z',
      replyto: 'integration.reply.v1',
      inreplyto: '0190f3b4-0000-7000-8000-000000000001',
      routingkey: 'eu.parcels',
      headers: { region: 'eu', 'x-carrier': 'dhl' },
    });
    expect(envelopeWith({ notBefore: new Date('2026-11-24T00:00:00Z'), expiresAt: new Date('2026-11-25T00:00:00Z') })).toMatchObject({
      notbefore: '2026-11-24T00:00:00.000Z',
      expires: '2026-11-25T00:00:00.000Z',
    });
  });

  it('reads the headers back with their defaults', () => {
    expect(queueHeadersOf(envelopeWith())).toEqual({ priority: 0, routingKey: 'PKG-1', headers: {} });
    expect(queueHeadersOf(envelopeWith(full))).toEqual({
      priority: 7,
      notBefore: new Date('2026-11-23T10:01:00.000Z'),
      expiresAt: new Date('2026-11-23T11:00:00.000Z'),
      replyTo: 'integration.reply.v1',
      inReplyTo: '0190f3b4-0000-7000-8000-000000000001',
      routingKey: 'eu.parcels',
      headers: { region: 'eu', 'x-carrier': 'dhl' },
    });
    expect(routingKeyOf(envelopeWith())).toBe('PKG-1');
    expect(isExpired(envelopeWith({ ttlMs: 1 }), time.getTime() + 1)).toBe(true);
    expect(isExpired(envelopeWith({ ttlMs: 1 }), time.getTime())).toBe(false);
    expect(isExpired(envelopeWith(), Number.MAX_SAFE_INTEGER)).toBe(false);
  });

  it.each<[string, QueueOptions]>([
    ['priority above 9', { priority: 10 }],
    ['negative priority', { priority: -1 }],
    ['fractional priority', { priority: 1.5 }],
    ['priority as a string', { priority: '5' as unknown as number }],
    ['an invalid date', { notBefore: new Date('nope') }],
    ['a date that is not a Date', { expiresAt: '2026-11-24T00:00:00Z' as unknown as Date }],
    ['a negative TTL', { ttlMs: -1 }],
    ['a delay that is not a number', { delayMs: Number.NaN }],
    ['both notBefore and delayMs', { notBefore: time, delayMs: 1 }],
    ['both expiresAt and ttlMs', { expiresAt: time, ttlMs: 1 }],
    ['expiry not after the delay', { delayMs: 1_000, ttlMs: 1_000 }],
    ['a replyTo that is no topic name', { replyTo: 'has space' }],
    ['an empty inReplyTo', { inReplyTo: '' }],
    ['a routing key with a control character', { routingKey: 'a\nb' }],
    ['a routing key too long', { routingKey: 'k'.repeat(257) }],
    ['an upper-case header name', { headers: { Region: 'eu' } }],
    ['a header name too long', { headers: { ['h'.repeat(65)]: 'x' } }],
    ['a header value too long', { headers: { region: 'x'.repeat(257) } }],
    ['a header value that is not a string', { headers: { region: 1 as unknown as string } }],
    ['33 headers', { headers: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`h${i}`, 'v'])) }],
    ['headers that are an array', { headers: ['a'] as unknown as Record<string, string> }],
  ])('refuses %s with queue_header_invalid', (_, queue) => {
    expect(codeOf(() => envelopeWith(queue))).toBe('queue_header_invalid');
  });

  it('accepts the bounds themselves', () => {
    const headers = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`${'h'.repeat(60)}-${i}`, 'v'.repeat(256)]));
    expect(() => envelopeWith({ priority: 9, headers, routingKey: 'k'.repeat(256), replyTo: 't'.repeat(249) })).not.toThrow();
  });
});

describe('signing and verifying queue attributes', () => {
  it('covers them with the signature: changing one breaks it', () => {
    const signed = signer.sign(envelopeWith(full));
    expect(signer.verify(signed)).toBe(signed);
    for (const tampered of [
      { ...signed, priority: 9 },
      { ...signed, expires: '2099-01-01T00:00:00.000Z' },
      { ...signed, notbefore: undefined },
      { ...signed, headers: { ...signed.headers, region: 'us' } },
      { ...signed, routingkey: 'us.parcels' },
    ]) {
      expect(codeOf(() => signer.verify(tampered as Envelope))).toBe('signature_invalid');
    }
  });

  it.each<[string, Record<string, unknown>]>([
    ['priority 12', { priority: 12 }],
    ['priority "5"', { priority: '5' }],
    ['notbefore not RFC 3339', { notbefore: 'tomorrow' }],
    ['expires as a number', { expires: 1_800_000_000 }],
    ['replyto with a slash', { replyto: 'a/b' }],
    ['headers as a string', { headers: '{"a":"b"}' }],
    ['headers with a bad name', { headers: { 'A B': 'x' } }],
  ])('refuses a signed envelope with %s (queue_header_invalid, a bad envelope)', (_, attributes) => {
    const signed = signer.sign({ ...envelopeWith(), ...attributes } as Envelope);
    expect(codeOf(() => signer.verify(signed))).toBe('queue_header_invalid');
  });
});

describe('queue attributes on Kafka', () => {
  it('travel as ce_ headers (priority as digits, headers as JSON) and read back to what was signed', () => {
    const signed = signer.sign(envelopeWith(full));
    const record = toKafkaMessage(signed);
    const headers = record.headers as Record<string, string>;
    expect(headers).toMatchObject({ ce_priority: '7', ce_routingkey: 'eu.parcels', ce_headers: '{"region":"eu","x-carrier":"dhl"}' });
    const received = fromKafkaMessage({
      key: Buffer.from(String(record.key)),
      value: Buffer.from(String(record.value)),
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])),
      offset: '0',
      timestamp: '0',
      attributes: 0,
    });
    expect(received).toEqual(signed);
    expect(signer.verify(received)).toEqual(signed);
  });

  it('adds no ce_ header for an envelope without queue attributes', () => {
    const headers = Object.keys(toKafkaMessage(signer.sign(envelopeWith())).headers ?? {});
    expect(headers.filter((h) => ['ce_priority', 'ce_notbefore', 'ce_expires', 'ce_replyto', 'ce_inreplyto', 'ce_routingkey', 'ce_headers'].includes(h))).toEqual([]);
  });

  it('leaves a ce_priority or ce_headers that does not read as it came, for verification to refuse', () => {
    const signed = signer.sign(envelopeWith());
    const record = toKafkaMessage(signed);
    const headers = { ...(record.headers as Record<string, string>), ce_priority: 'high', ce_headers: '{not json' };
    const received = fromKafkaMessage({
      key: null,
      value: Buffer.from(String(record.value)),
      headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])),
      offset: '0',
      timestamp: '0',
      attributes: 0,
    });
    expect(received).toMatchObject({ priority: 'high', headers: '{not json' });
  });
});

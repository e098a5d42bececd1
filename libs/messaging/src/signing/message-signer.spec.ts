import { createHmac } from 'node:crypto';
import { TributaryError } from '@tributary/domain';
import type { Envelope } from '../envelope/envelope.js';
import { canonicalJson, MessageSigner } from './message-signer.js';

// A fixed envelope and its canonical form, written out by hand: keys sorted at every depth, no spaces.
const envelope: Envelope<Record<string, string>> = {
  specversion: '1.0',
  id: '0190f3b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b',
  source: 'gateway',
  type: 'tracking.carrier-update.received',
  time: '2026-11-23T10:00:00.000Z',
  subject: 'PKG-1',
  tenantid: 'tenant-1',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  correlationid: '0190f3b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b',
  dataschema: 'tributary:tracking.carrier-update.received:v1',
  datacontenttype: 'application/json',
  data: { trackingId: 'PKG-1', carrier: 'DHL', status: 'In Transit', occurredAt: '2026-11-23T10:00:00Z' },
};

const canonical =
  '{"correlationid":"0190f3b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b",' +
  '"data":{"carrier":"DHL","occurredAt":"2026-11-23T10:00:00Z","status":"In Transit","trackingId":"PKG-1"},' +
  '"datacontenttype":"application/json",' +
  '"dataschema":"tributary:tracking.carrier-update.received:v1",' +
  '"id":"0190f3b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b",' +
  '"source":"gateway",' +
  '"specversion":"1.0",' +
  '"subject":"PKG-1",' +
  '"tenantid":"tenant-1",' +
  '"time":"2026-11-23T10:00:00.000Z",' +
  '"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",' +
  '"type":"tracking.carrier-update.received"}';

const vectorKey = { id: 'k1', secret: 'vector-secret' };
const vectorSignature = 'v1=k1,s50/kQSk3yQARsGW7fSHLWzawUWBZzQjzUFidOjuCnU=';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof TributaryError ? error.code : 'unexpected';
  }
};

describe('MessageSigner', () => {
  const signer = new MessageSigner({ active: vectorKey });

  it('signs the fixed envelope to the HMAC-SHA256 of its canonical form', () => {
    const independent = `v1=k1,${createHmac('sha256', 'vector-secret').update(canonical).digest('base64')}`;
    expect(independent).toBe(vectorSignature);
    expect(signer.sign(envelope).signature).toBe(vectorSignature);
  });

  it('verifies what it signed and returns the envelope', () => {
    const signed = signer.sign(envelope);
    expect(signer.verify(signed)).toEqual({ ...envelope, signature: vectorSignature });
  });

  it('verifies after a JSON round trip that reorders keys (as a jsonb column does)', () => {
    const signed = signer.sign(envelope);
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(signed).reverse())));
    expect(codeOf(() => signer.verify(reordered))).toBeUndefined();
  });

  it('verifies data holding a Date once it has travelled as JSON (the Date arrives as its ISO string)', () => {
    const signed = signer.sign({ ...envelope, data: { ...envelope.data, seenAt: new Date('2026-11-23T10:00:00Z') } });
    expect(codeOf(() => signer.verify(JSON.parse(JSON.stringify(signed))))).toBeUndefined();
  });

  it.each(Object.keys(envelope).filter((k) => k !== 'data'))('rejects a tampered %s', (attribute) => {
    const signed = signer.sign(envelope) as unknown as Record<string, string>;
    expect(codeOf(() => signer.verify({ ...signed, [attribute]: `${signed[attribute]}x` } as unknown as Envelope))).toBe(
      'signature_invalid',
    );
  });

  it.each([
    ['a changed data field', { ...envelope.data, status: 'Delivered' }],
    ['an added data field', { ...envelope.data, extra: 'x' }],
    ['a removed data field', { trackingId: 'PKG-1', carrier: 'DHL', status: 'In Transit' }],
  ])('rejects %s', (_, data) => {
    const signed = signer.sign(envelope);
    expect(codeOf(() => signer.verify({ ...signed, data }))).toBe('signature_invalid');
  });

  it('rejects an attribute added after signing', () => {
    const signed = signer.sign(envelope);
    expect(codeOf(() => signer.verify({ ...signed, causationid: envelope.id }))).toBe('signature_invalid');
  });

  it.each([
    ['no signature', undefined],
    ['an unknown key id', vectorSignature.replace('k1', 'k9')],
    ['another scheme', vectorSignature.replace('v1=', 'v2=')],
    ['a truncated signature', vectorSignature.slice(0, 20)],
    ['a signature made with another secret', new MessageSigner({ active: { id: 'k1', secret: 'other' } }).sign(envelope).signature],
  ])('rejects %s', (_, signature) => {
    expect(codeOf(() => signer.verify({ ...envelope, signature }))).toBe('signature_invalid');
  });

  it('raises signature_invalid as a non-retryable error', () => {
    let caught: unknown;
    try {
      signer.verify(envelope);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(TributaryError);
    expect((caught as TributaryError).retryable).toBe(false);
  });

  describe('key rotation', () => {
    const oldKey = { id: 'k1', secret: 'old-secret' };
    const newKey = { id: 'k2', secret: 'new-secret' };
    const before = new MessageSigner({ active: oldKey });
    const during = new MessageSigner({ active: newKey, accepted: [oldKey] });
    const after = new MessageSigner({ active: newKey });

    it('signs new messages with the active key', () => {
      expect(during.sign(envelope).signature).toMatch(/^v1=k2,/);
    });

    it('still verifies messages signed with an accepted old key', () => {
      expect(codeOf(() => during.verify(before.sign(envelope)))).toBeUndefined();
    });

    it('is rejected by a consumer that knows only the old key (so roll out accepted keys before the active one)', () => {
      expect(codeOf(() => before.verify(during.sign(envelope)))).toBe('signature_invalid');
    });

    it('rejects the old key once it is no longer accepted', () => {
      expect(codeOf(() => after.verify(before.sign(envelope)))).toBe('signature_invalid');
    });

    it('rejects a signature naming the old key id but made with the new secret', () => {
      const forged = during.sign(envelope).signature!.replace('v1=k2,', 'v1=k1,');
      expect(codeOf(() => during.verify({ ...envelope, signature: forged }))).toBe('signature_invalid');
    });
  });
});

describe('canonicalJson', () => {
  it.each([
    ['sorts object keys', { b: 1, a: 2 }, '{"a":2,"b":1}'],
    ['sorts keys at every depth', { z: { y: 1, x: [{ b: 1, a: 2 }] }, a: null }, '{"a":null,"z":{"x":[{"a":2,"b":1}],"y":1}}'],
    ['keeps array order', [3, 1, 2], '[3,1,2]'],
    ['drops undefined members', { a: undefined, b: 1 }, '{"b":1}'],
    ['writes undefined array items as null, as JSON does', [undefined, 1], '[null,1]'],
    ['escapes strings as JSON does', { s: 'é"\n' }, '{"s":"é\\"\\n"}'],
    ['writes scalars as JSON', 1.5, '1.5'],
    ['writes a Date as its ISO string, as JSON does', { at: new Date('2026-11-23T10:00:00Z') }, '{"at":"2026-11-23T10:00:00.000Z"}'],
    ['writes the empty object', {}, '{}'],
  ])('%s', (_, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('gives the same text whatever the key order', () => {
    expect(canonicalJson({ a: 1, b: { c: 2, d: 3 } })).toBe(canonicalJson({ b: { d: 3, c: 2 }, a: 1 }));
  });

  it('is valid JSON that parses back to the value', () => {
    const value = { b: [1, { d: 'x', c: true }], a: { e: null } };
    expect(JSON.parse(canonicalJson(value))).toEqual(value);
  });
});

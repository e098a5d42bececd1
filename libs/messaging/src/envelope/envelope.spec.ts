import { Topics } from '@tributary/topics';
import { createEnvelope, dataschemaOf, partitionKeyOf } from './envelope.js';

const data = { trackingId: 'PKG-1', carrier: 'DHL', status: 'In Transit', occurredAt: '2026-11-23T10:00:00Z' };
const origin = { source: 'gateway', tenantId: 'tenant-1' };

describe('createEnvelope', () => {
  it('fills the CloudEvents attributes from the topic, the payload and the origin', () => {
    const time = new Date('2026-11-23T10:00:01Z');
    const envelope = createEnvelope(Topics.carrierUpdateReceived, data, { ...origin, time });
    expect(envelope).toEqual({
      specversion: '1.0',
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      source: 'gateway',
      type: 'tracking.carrier-update.received',
      time: '2026-11-23T10:00:01.000Z',
      subject: 'PKG-1',
      tenantid: 'tenant-1',
      traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/),
      correlationid: envelope.id,
      dataschema: 'tributary:tracking.carrier-update.received:v1',
      datacontenttype: 'application/json',
      data,
    });
  });

  it('starts a correlation at a message without a cause and has no causation', () => {
    const envelope = createEnvelope(Topics.carrierUpdateReceived, data, { ...origin, id: '0190f3b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b' });
    expect(envelope.id).toBe('0190f3b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b');
    expect(envelope.correlationid).toBe(envelope.id);
    expect('causationid' in envelope).toBe(false);
  });

  it('makes the cause its causation and keeps the cause correlation and trace', () => {
    const cause = createEnvelope(Topics.carrierUpdateReceived, data, origin);
    const effect = createEnvelope(
      Topics.packageUpdated,
      { ...data, status: 'in_transit', carrierStatus: 'In Transit' },
      { source: 'integration-worker', tenantId: 'tenant-1', cause },
    );
    const next = createEnvelope(Topics.packageUpdated, { ...data, status: 'delivered', carrierStatus: 'Delivered' }, {
      source: 'event-store',
      tenantId: 'tenant-1',
      cause: effect,
    });
    expect(effect.causationid).toBe(cause.id);
    expect(effect.correlationid).toBe(cause.id);
    expect(next.causationid).toBe(effect.id);
    expect(next.correlationid).toBe(cause.id);
    expect(next.traceparent).toBe(cause.traceparent);
  });

  it('prefers an explicit traceparent to the cause one', () => {
    const cause = createEnvelope(Topics.carrierUpdateReceived, data, origin);
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(createEnvelope(Topics.carrierUpdateReceived, data, { ...origin, cause, traceparent }).traceparent).toBe(traceparent);
  });

  it('starts a new trace per message without a cause or traceparent', () => {
    const a = createEnvelope(Topics.carrierUpdateReceived, data, origin);
    const b = createEnvelope(Topics.carrierUpdateReceived, data, origin);
    expect(a.traceparent.slice(3, 35)).not.toBe(b.traceparent.slice(3, 35));
  });

  it('copies the payload so later changes to it do not change the message', () => {
    const payload = { ...data };
    const envelope = createEnvelope(Topics.carrierUpdateReceived, payload, origin);
    payload.status = 'Delivered';
    expect(envelope.data.status).toBe('In Transit');
  });
});

describe('partitionKeyOf', () => {
  it('puts the tenant before the entity so equal entity ids of two tenants never share a key', () => {
    expect(partitionKeyOf({ tenantid: 'tenant-1', subject: 'PKG-1' })).toBe('tenant-1:PKG-1');
    expect(partitionKeyOf({ tenantid: 'tenant-2', subject: 'PKG-1' })).not.toBe(partitionKeyOf({ tenantid: 'tenant-1', subject: 'PKG-1' }));
  });
});

describe('dataschemaOf', () => {
  it('names the topic and its version', () => {
    expect(dataschemaOf({ name: 'tracking.package.updated', version: 2 })).toBe('tributary:tracking.package.updated:v2');
  });
});

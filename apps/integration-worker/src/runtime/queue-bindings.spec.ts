import { createEnvelope, type Envelope, type QueueOptions } from '@tributary/messaging';
import { Topics } from '@tributary/topics';
import { defineIntegration, route, type QueueBinding } from '../sdk/integration.js';
import { namedQueuesOf, queueGroupOf, routesTo } from './queue-bindings.js';

const message = (trackingId: string, queue?: QueueOptions): Envelope =>
  createEnvelope(Topics.carrierUpdateReceived, { trackingId, carrier: 'DHL', status: 'In Transit', occurredAt: '2026-12-07T08:00:00Z' }, { source: 'test', tenantId: 't', queue });

describe('routesTo: which messages an exchange routes to a named queue', () => {
  const direct = (...routingKeys: string[]): QueueBinding => ({ name: 'q', exchange: 'direct', routingKeys });

  it.each<[string[], string, boolean]>([
    [['eu'], 'eu', true],
    [['eu'], 'us', false],
    [['eu'], 'eu.de', false],
    [['eu', 'eu.*'], 'eu.de', true],
    [['eu.*'], 'eu', false],
    [['eu.*'], 'eu.de.berlin', false],
    [['eu.#'], 'eu', true],
    [['eu.#'], 'eu.de.berlin', true],
    [['#.paid'], 'eu.de.paid', true],
    [['#.paid'], 'paid', true],
    [['*.paid'], 'paid', false],
    [['eu.#.paid'], 'eu.paid', true],
    [['eu.#.paid'], 'eu.de.fr.paid', true],
    [['eu.#.paid'], 'eu.de.open', false],
    [['#'], 'anything.at.all', true],
  ])('direct %j takes the routing key %s: %s', (keys, routingKey, routed) => {
    expect(routesTo(direct(...keys), message('PKG-1', { routingKey }))).toBe(routed);
  });

  it('routes by the subject when a message has no routing key', () => {
    expect(routesTo(direct('PKG-7'), message('PKG-7'))).toBe(true);
    expect(routesTo(direct('PKG-7'), message('PKG-8'))).toBe(false);
    expect(routesTo(direct('PKG-7'), message('PKG-7', { routingKey: 'eu' }))).toBe(false);
  });

  it('fanout takes every message', () => {
    expect(routesTo({ name: 'q', exchange: 'fanout' }, message('PKG-1'))).toBe(true);
    expect(routesTo({ name: 'q', exchange: 'fanout' }, message('PKG-1', { routingKey: 'x', headers: { a: 'b' } }))).toBe(true);
  });

  it('header all takes a message carrying every value, any one carrying one of them', () => {
    const rules = { region: 'eu', tier: 'gold' };
    const all: QueueBinding = { name: 'q', exchange: 'header', headers: rules };
    const any: QueueBinding = { name: 'q', exchange: 'header', match: 'any', headers: rules };
    const both = message('PKG-1', { headers: { region: 'eu', tier: 'gold', extra: 'x' } });
    const one = message('PKG-1', { headers: { region: 'eu', tier: 'silver' } });
    const none = message('PKG-1', { headers: { region: 'us' } });
    expect([both, one, none, message('PKG-1')].map((m) => routesTo(all, m))).toEqual([true, false, false, false]);
    expect([both, one, none, message('PKG-1')].map((m) => routesTo(any, m))).toEqual([true, true, false, false]);
  });
});

describe('namedQueuesOf: the worker\'s named queues', () => {
  const handler = class {
    handle(): Promise<undefined> {
      return Promise.resolve(undefined);
    }
  };
  const integration = (name: string, queue: QueueBinding, topic = Topics.carrierUpdateReceived) =>
    defineIntegration({ name, description: '', routes: [route({ method: 'bound', topic, handler, queue }), route({ method: 'plain', topic, handler })] });

  it('lists each queue once with the topics of its routes, across integrations; plain routes have none', () => {
    const audit: QueueBinding = { name: 'audit', exchange: 'fanout' };
    const queues = namedQueuesOf([integration('one', audit), integration('two', audit, Topics.packageUpdated), integration('three', { name: 'eu', exchange: 'direct', routingKeys: ['eu'] })]);
    expect(queues.map((q) => ({ name: q.name, topics: q.topics.map((t) => t.name) }))).toEqual([
      { name: 'audit', topics: [Topics.carrierUpdateReceived.name, Topics.packageUpdated.name] },
      { name: 'eu', topics: [Topics.carrierUpdateReceived.name] },
    ]);
    expect(queueGroupOf('integration-worker', 'audit')).toBe('integration-worker.q.audit');
  });

  it('refuses routes of two integrations binding one queue differently', () => {
    expect(() => namedQueuesOf([integration('one', { name: 'audit', exchange: 'fanout' }), integration('two', { name: 'audit', exchange: 'direct', routingKeys: ['eu'] })])).toThrow(
      /Route "bound" of two binds queue "audit" differently from one/,
    );
  });
});

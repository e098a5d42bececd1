import { Injectable } from '@nestjs/common';
import { Topics, type CarrierUpdateReceived } from '@tributary/topics';
import type { IntegrationHandler } from './integration-handler.js';
import { defineIntegration, route, type QueueBinding } from './integration.js';

@Injectable()
class Nothing implements IntegrationHandler<CarrierUpdateReceived> {
  handle(): Promise<undefined> {
    return Promise.resolve(undefined);
  }
}

const routeIn = (method: string, queue?: QueueBinding) => route({ method, topic: Topics.carrierUpdateReceived, handler: Nothing, ...(queue ? { queue } : {}) });
const define = (...routes: ReturnType<typeof routeIn>[]) => defineIntegration({ name: 'queues', description: '', routes });
/** A binding as an author might mistype it (what JavaScript callers, or a cast, let through). */
const loose = (binding: Record<string, unknown>) => binding as unknown as QueueBinding;

describe('defineIntegration: named queues and their exchanges', () => {
  it('keeps a route without a queue as it was (the main group)', () => {
    const [plain] = define(routeIn('plain')).routes;
    expect(plain).not.toHaveProperty('queue');
  });

  it.each<QueueBinding>([
    { name: 'billing-eu', exchange: 'direct', routingKeys: ['eu', 'eu.*', 'eu.#.paid'] },
    { name: 'audit', exchange: 'fanout' },
    { name: 'by-region', exchange: 'header', match: 'any', headers: { region: 'eu', tier: 'gold' } },
    { name: 'by-region-all', exchange: 'header', headers: { region: 'eu' } },
  ])('accepts a $exchange binding of queue $name and keeps it on the route', (queue) => {
    expect(define(routeIn('bound', queue)).routes[0].queue).toEqual(queue);
  });

  it.each<[string, QueueBinding, RegExp]>([
    ['a queue name not in kebab-case', { name: 'Billing_EU', exchange: 'fanout' }, /queue name "Billing_EU" must be kebab-case/],
    ['a one-letter queue name', { name: 'b', exchange: 'fanout' }, /must be kebab-case/],
    ['a direct binding without keys', loose({ name: 'billing', exchange: 'direct', routingKeys: [] }), /direct binding of queue "billing" needs routingKeys/],
    ['a direct binding with no keys at all', loose({ name: 'billing', exchange: 'direct' }), /needs routingKeys/],
    ['an empty routing key', { name: 'billing', exchange: 'direct', routingKeys: [''] }, /routing key "" of queue "billing"/],
    ['a wildcard inside a word', { name: 'billing', exchange: 'direct', routingKeys: ['eu*'] }, /routing key "eu\*"/],
    ['an empty word', { name: 'billing', exchange: 'direct', routingKeys: ['eu..paid'] }, /routing key "eu..paid"/],
    ['a direct binding given headers', loose({ name: 'billing', exchange: 'direct', routingKeys: ['eu'], headers: { region: 'eu' } }), /takes routingKeys, not headers/],
    ['a header binding without headers', loose({ name: 'by-region', exchange: 'header', headers: {} }), /header binding of queue "by-region" needs headers/],
    ['a header binding with no headers at all', loose({ name: 'by-region', exchange: 'header' }), /needs headers/],
    ['a header name messages cannot carry', { name: 'by-region', exchange: 'header', headers: { Region: 'eu' } }, /header name "Region"/],
    ['a header matched against a number', loose({ name: 'by-region', exchange: 'header', headers: { tier: 1 } }), /header "tier" of queue "by-region" must be matched against a string/],
    ['a match neither all nor any', loose({ name: 'by-region', exchange: 'header', match: 'most', headers: { region: 'eu' } }), /match of queue "by-region" must be "all" or "any"/],
    ['a header binding given routing keys', loose({ name: 'by-region', exchange: 'header', headers: { region: 'eu' }, routingKeys: ['eu'] }), /takes headers, not routingKeys/],
    ['a fanout binding given routing keys', loose({ name: 'audit', exchange: 'fanout', routingKeys: ['eu'] }), /fanout binding of queue "audit" takes every message/],
    ['an unknown exchange', loose({ name: 'audit', exchange: 'topic' }), /exchange "topic"; it must be "direct", "fanout" or "header"/],
  ])('refuses %s with a clear error naming the route', (_, queue, message) => {
    expect(() => define(routeIn('bound', queue))).toThrow(message);
    expect(() => define(routeIn('bound', queue))).toThrow(/Route "bound" of queues/);
  });

  it('lets routes share a queue with the same binding (keys in any order), not with another', () => {
    const eu = { name: 'billing-eu', exchange: 'direct', routingKeys: ['eu', 'eu.*'] } as const;
    expect(define(routeIn('first', eu), routeIn('second', { ...eu, routingKeys: ['eu.*', 'eu'] })).routes.map((r) => r.queue?.name)).toEqual(['billing-eu', 'billing-eu']);
    expect(() => define(routeIn('first', eu), routeIn('second', { ...eu, routingKeys: ['eu'] }))).toThrow(
      /Route "second" of queues binds queue "billing-eu" differently from another route of it/,
    );
    expect(() => define(routeIn('first', eu), routeIn('second', { name: 'billing-eu', exchange: 'fanout' }))).toThrow(/binds queue "billing-eu" differently/);
    const region = { name: 'by-region', exchange: 'header', headers: { region: 'eu' } } as const;
    expect(define(routeIn('first', region), routeIn('second', { ...region, match: 'all' })).routes).toHaveLength(2);
    expect(() => define(routeIn('first', region), routeIn('second', { ...region, match: 'any' }))).toThrow(/binds queue "by-region" differently/);
  });
});

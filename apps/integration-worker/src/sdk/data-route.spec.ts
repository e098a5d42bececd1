import { Injectable } from '@nestjs/common';
import { dataRoute, type DataHandler } from './data-route.js';
import { defineIntegration } from './integration.js';

@Injectable()
class FetchNothing implements DataHandler<{ ok: true }> {
  fetch(): Promise<{ ok: true }> {
    return Promise.resolve({ ok: true });
  }
}

describe('dataRoute', () => {
  it('takes the route timeout of 5 s unless given one', () => {
    expect(dataRoute({ method: 'profile', handler: FetchNothing, validForSeconds: 60 })).toEqual({
      method: 'profile',
      handler: FetchNothing,
      validForSeconds: 60,
      timeoutMs: 5_000,
      description: '',
    });
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses a validity of %s seconds', (validForSeconds) => {
    expect(() => dataRoute({ method: 'profile', handler: FetchNothing, validForSeconds })).toThrow(/validForSeconds/);
  });

  it('is a method of its integration like a topic route: unique and kebab-case', () => {
    const data = dataRoute({ method: 'profile', handler: FetchNothing, validForSeconds: 60 });
    expect(() => defineIntegration({ name: 'registry', description: '', routes: [], data: [data, data] })).toThrow(/declares method "profile" twice/);
    expect(() => defineIntegration({ name: 'registry', description: '', routes: [], data: [{ ...data, method: 'Profile' }] })).toThrow(/must be kebab-case/);
    expect(defineIntegration({ name: 'registry', description: '', routes: [], data: [data] }).data).toEqual([data]);
  });
});

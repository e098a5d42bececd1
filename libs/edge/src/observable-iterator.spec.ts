import { describe, expect, it } from '@jest/globals';
import { of, Subject, throwError } from 'rxjs';
import { observableToAsyncIterator } from './observable-iterator.js';

async function drain<T>(iterator: AsyncIterableIterator<T>): Promise<T[]> {
  const values: T[] = [];
  for await (const value of iterator) values.push(value);
  return values;
}

describe('observableToAsyncIterator', () => {
  it('yields the values of a source that completes while being subscribed, then ends', async () => {
    expect(await drain(observableToAsyncIterator(of(1, 2, 3)))).toEqual([1, 2, 3]);
  });

  it('rejects with the error of a source that fails while being subscribed', async () => {
    const iterator = observableToAsyncIterator(throwError(() => new Error('boom')));
    await expect(iterator.next()).rejects.toThrow('boom');
  });

  it('hands a value to a pull that was waiting for it', async () => {
    const source = new Subject<string>();
    const iterator = observableToAsyncIterator(source);
    const pending = iterator.next();
    source.next('a');
    expect(await pending).toEqual({ value: 'a', done: false });
  });

  it('unsubscribes from the source when the consumer returns', async () => {
    const source = new Subject<number>();
    const iterator = observableToAsyncIterator(source);
    expect(source.observed).toBe(true);
    await iterator.return!();
    expect(source.observed).toBe(false);
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });

  it('ends and reports the overflow when ten times the limit wait unread', async () => {
    const source = new Subject<number>();
    let overflowed = 0;
    const iterator = observableToAsyncIterator(source, 2, () => overflowed++);
    for (let i = 0; i < 21; i++) source.next(i);
    expect(overflowed).toBe(1);
    expect(source.observed).toBe(false);
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
  });
});

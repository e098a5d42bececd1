import { Subscription, type Observable } from 'rxjs';

/** A subscriber with `limit` values waiting that has taken none for this long is too slow. */
const STALL_MS = 2_000;

/**
 * Adapts an Observable to the AsyncIterableIterator a GraphQL subscription resolver returns.
 * graphql-ws pulls the next value only once the previous one was written, so values wait here
 * while the client reads slowly. With `limit` of them waiting and no pull for a while (or ten times
 * `limit`, whatever the pace), `onOverflow` is called and the iterator ends: a burst to a client
 * that reads is not a stall. `return()` (client unsubscribed) unsubscribes.
 */
export function observableToAsyncIterator<T>(source: Observable<T>, limit = Infinity, onOverflow?: () => void): AsyncIterableIterator<T> {
  const buffer: T[] = [];
  let lastPull = Date.now();
  const waiting: Array<(result: IteratorResult<T>) => void> = [];
  let done = false;
  let failure: unknown;
  // Made before subscribing so that `finish` can close it while `subscribe` is still running (a source that
  // ends at once): the source's subscription, added to it below, is then closed as soon as it exists.
  const subscription = new Subscription();

  const finish = () => {
    done = true;
    subscription.unsubscribe();
    waiting.splice(0).forEach((resolve) => resolve({ value: undefined, done: true }));
  };

  subscription.add(
    source.subscribe({
      next: (value) => {
        if (done) return;
        const resolve = waiting.shift();
        if (resolve) return resolve({ value, done: false });
        if ((buffer.length >= limit && Date.now() - lastPull > STALL_MS) || buffer.length >= 10 * limit) {
          buffer.length = 0;
          finish();
          onOverflow?.();
          return;
        }
        buffer.push(value);
      },
      error: (error) => {
        failure = error;
        finish();
      },
      complete: finish,
    }),
  );

  return {
    next(): Promise<IteratorResult<T>> {
      lastPull = Date.now();
      if (buffer.length > 0) return Promise.resolve({ value: buffer.shift()!, done: false });
      if (failure) return Promise.reject(failure);
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => waiting.push(resolve));
    },
    return(): Promise<IteratorResult<T>> {
      finish();
      buffer.length = 0;
      return Promise.resolve({ value: undefined, done: true });
    },
    throw(error: unknown): Promise<IteratorResult<T>> {
      finish();
      return Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

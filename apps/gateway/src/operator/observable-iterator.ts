// The same adapter as the change-sink's (apps do not share code; a lib for one function would be a `utils`).
import type { Observable, Subscription } from 'rxjs';

/**
 * Adapts an Observable to the AsyncIterableIterator a GraphQL subscription resolver returns.
 * Values are buffered while the client is slow; `return()` (client unsubscribed) unsubscribes.
 */
export function observableToAsyncIterator<T>(source: Observable<T>): AsyncIterableIterator<T> {
  const buffer: T[] = [];
  const waiting: Array<(result: IteratorResult<T>) => void> = [];
  let done = false;
  let failure: unknown;

  const finish = () => {
    done = true;
    subscription.unsubscribe();
    waiting.splice(0).forEach((resolve) => resolve({ value: undefined, done: true }));
  };

  const subscription: Subscription = source.subscribe({
    next: (value) => {
      const resolve = waiting.shift();
      if (resolve) resolve({ value, done: false });
      else buffer.push(value);
    },
    error: (error) => {
      failure = error;
      finish();
    },
    complete: finish,
  });

  return {
    next(): Promise<IteratorResult<T>> {
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

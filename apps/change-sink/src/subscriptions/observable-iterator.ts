import type { Observable, Subscription } from 'rxjs';

/**
 * Adapts an Observable to the AsyncIterableIterator a GraphQL subscription resolver returns.
 * graphql-ws pulls the next value only once the previous one was written, so values wait here
 * while the client reads slowly — at most `limit` of them: past that, `onOverflow` is called and the
 * iterator ends. `return()` (client unsubscribed) unsubscribes.
 */
export function observableToAsyncIterator<T>(source: Observable<T>, limit = Infinity, onOverflow?: () => void): AsyncIterableIterator<T> {
  const buffer: T[] = [];
  const waiting: Array<(result: IteratorResult<T>) => void> = [];
  let done = false;
  let failure: unknown;

  const finish = () => {
    done = true;
    subscription?.unsubscribe();
    waiting.splice(0).forEach((resolve) => resolve({ value: undefined, done: true }));
  };

  let subscription: Subscription | undefined;
  subscription = source.subscribe({
    next: (value) => {
      if (done) return;
      const resolve = waiting.shift();
      if (resolve) return resolve({ value, done: false });
      if (buffer.length >= limit) {
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
  });
  if (done) subscription.unsubscribe();

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

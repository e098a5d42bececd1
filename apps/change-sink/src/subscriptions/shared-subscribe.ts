import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';

type Result = ExecutionResult | Promise<ExecutionResult>;

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

/**
 * graphql-js's `subscribe`, with each event's execution shared by the subscribers that asked the
 * same thing: thousands of clients subscribed to the same change would otherwise each execute the
 * selection for it. An event is the same object for every subscriber it reaches (the change
 * policy builds one view per change), so results are cached per event object and per document
 * text + variables + operation. Only valid because what the payload's fields resolve to does not
 * depend on the viewer — who may see an event is decided before it is yielded.
 */
export async function sharedSubscribe(args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (!isAsyncIterable(stream)) return stream as ExecutionResult;
  const key = `${args.operationName ?? ''}\u0000${args.document.loc?.source.body ?? ''}\u0000${JSON.stringify(args.variableValues ?? {})}`;
  const iterator = stream[Symbol.asyncIterator]();
  const mapped: AsyncGenerator<ExecutionResult> = {
    // Not an async function: one promise hop per event for each subscriber (thousands per change), not three.
    next(): Promise<IteratorResult<ExecutionResult>> {
      return iterator.next().then((step): IteratorResult<ExecutionResult> | Promise<IteratorResult<ExecutionResult>> => {
        if (step.done) return { done: true, value: undefined };
        const result = executeShared(step.value, key, args);
        return result instanceof Promise ? result.then((value) => ({ done: false, value })) : { done: false, value: result };
      });
    },
    async return() {
      await iterator.return?.();
      return { done: true, value: undefined };
    },
    async throw(error: unknown) {
      if (iterator.throw) await iterator.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
    // Node 20's AsyncGenerator type also asks for this.
    async [Symbol.asyncDispose]() {
      await iterator.return?.();
    },
  } as AsyncGenerator<ExecutionResult>;
  return mapped;
}

const results = new WeakMap<object, Map<string, Result>>();

function executeShared(payload: unknown, key: string, args: ExecutionArgs): Result {
  const run = () => execute({ ...args, rootValue: payload });
  if (typeof payload !== 'object' || payload === null) return run();
  let byQuery = results.get(payload);
  if (!byQuery) results.set(payload, (byQuery = new Map()));
  let result = byQuery.get(key);
  if (!result) byQuery.set(key, (result = run()));
  return result;
}

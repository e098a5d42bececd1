import type { Socket as NetSocket } from 'node:net';
import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { WebSocket } from 'ws';
import { textFrame } from '../delivery/websocket-frame.js';
import type { GraphqlContext } from './graphql-context.js';

type Result = ExecutionResult | Promise<ExecutionResult>;

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };
const SUFFIX = Buffer.from('}');

/**
 * graphql-js's `subscribe`, with each event's execution shared by the subscribers that asked the
 * same thing: thousands of clients subscribed to the same change would otherwise each execute the
 * selection for it. An event is the same object for every subscriber it reaches (the change
 * policy builds one view per change), so results are cached per event object and per document
 * text + variables + operation. Only valid because what the payload's fields resolve to does not
 * depend on the viewer — who may see an event is decided before it is yielded.
 *
 * Over graphql-ws (the context names the subscription's `outlet`), a result is also serialized
 * once, and each subscriber's `next` message is written to its connection as is — graphql-ws would
 * serialize and send it once per subscriber. graphql-ws then waits on this iterator while it writes,
 * and gets a result only when one cannot be written so (an error, or the connection not in a state
 * to take it), which it sends itself; either way one at a time, in order. A client that is behind
 * is not written to until it caught up: its events wait in the resolver's iterator, where their
 * number is bounded.
 */
export async function sharedSubscribe(args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult> | ExecutionResult> {
  const stream = await createSourceEventStream(args);
  if (!isAsyncIterable(stream)) return stream as ExecutionResult;
  const key = `${args.operationName ?? ''}\u0000${args.document.loc?.source.body ?? ''}\u0000${JSON.stringify(args.variableValues ?? {})}`;
  const iterator = stream[Symbol.asyncIterator]();
  const outlet = (args.contextValue as GraphqlContext | undefined)?.outlet;
  const prefix = outlet && Buffer.from(`{"id":${JSON.stringify(outlet.id)},"type":"next","payload":`);
  let ended = false;

  const nextResult = (): Promise<IteratorResult<ExecutionResult>> =>
    iterator.next().then((step): IteratorResult<ExecutionResult> | Promise<IteratorResult<ExecutionResult>> => {
      if (step.done) return DONE;
      const result = executeShared(step.value, key, args);
      return result instanceof Promise ? result.then((value) => ({ done: false, value })) : { done: false, value: result };
    });

  const writeThrough = async (socket: WebSocket, prefix: Buffer): Promise<IteratorResult<ExecutionResult>> => {
    for (;;) {
      const step = await iterator.next();
      if (step.done || ended) return DONE;
      const pending = executeShared(step.value, key, args);
      const result = pending instanceof Promise ? await pending : pending;
      const tcp = writableTcp(socket);
      if (!tcp || result.errors) return { done: false, value: result };
      let written = false;
      let wake: (() => void) | undefined;
      tcp.write(textFrame([prefix, serialized(result), SUFFIX]), () => {
        written = true;
        wake?.();
      });
      if (!written && tcp.writableLength > 0) await new Promise<void>((resolve) => (wake = resolve));
    }
  };

  const mapped: AsyncGenerator<ExecutionResult> = {
    // Not an async function: one promise hop per event for each subscriber (thousands per change), not three.
    next(): Promise<IteratorResult<ExecutionResult>> {
      return outlet && prefix ? writeThrough(outlet.socket, prefix) : nextResult();
    },
    async return() {
      ended = true;
      await iterator.return?.();
      return DONE;
    },
    async throw(error: unknown) {
      ended = true;
      if (iterator.throw) await iterator.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
    // Node 20's AsyncGenerator type also asks for this.
    async [Symbol.asyncDispose]() {
      ended = true;
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

const serializations = new WeakMap<ExecutionResult, Buffer>();

/** A result as graphql-ws puts it in a `next` message's payload, serialized once for all subscribers. */
function serialized(result: ExecutionResult): Buffer {
  let bytes = serializations.get(result);
  if (!bytes) serializations.set(result, (bytes = Buffer.from(JSON.stringify(result))));
  return bytes;
}

/**
 * The connection's TCP socket, when a frame written to it goes out after everything `ws` was given
 * before and nothing it would change: open, no extension (no compression: `ws` writes every frame
 * when it is sent), still writable.
 */
function writableTcp(socket: WebSocket): NetSocket | undefined {
  if (socket.readyState !== socket.OPEN || socket.extensions !== '') return undefined;
  const tcp = (socket as unknown as { _socket?: NetSocket })._socket;
  return tcp && tcp.writable ? tcp : undefined;
}

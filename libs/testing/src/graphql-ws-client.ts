import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface Subscription<T> {
  readonly received: T[];
  /** Resolves once the server acknowledged the subscription's connection. */
  readonly connected: Promise<void>;
  /** Resolves with the first error or close reason, if any. */
  readonly failed: Promise<unknown>;
  close(): Promise<void>;
}

/** A real graphql-ws client collecting what one subscription pushes. */
export function subscribe<T>(
  url: string,
  apiKey: string,
  query: string,
  variables: Record<string, unknown> = {},
  field?: string,
): Subscription<T> {
  const received: T[] = [];
  let onConnected!: () => void;
  let onFailed!: (reason: unknown) => void;
  const connected = new Promise<void>((r) => (onConnected = r));
  const failed = new Promise<unknown>((r) => (onFailed = r));
  const client: Client = createClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${apiKey}` },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: (error) => onFailed(error),
    on: { connected: () => onConnected(), closed: (event) => onFailed(event) },
  });
  const dispose = client.subscribe<Record<string, T>>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors) onFailed(result.errors);
        const data = result.data;
        if (data) received.push(field ? data[field] : (Object.values(data)[0] as T));
      },
      error: (error) => onFailed(error),
      complete: () => undefined,
    },
  );
  return {
    received,
    connected,
    failed,
    async close() {
      dispose();
      await client.dispose();
    },
  };
}

import type { GraphqlCallerContext } from '@tributary/edge';
import type { WebSocket } from 'ws';
import type { Viewer } from '../auth/viewer.js';

/**
 * The change-sink's GraphQL context: the caller (`caller`/`authError`, read with `@GqlCaller()`), authenticated at
 * connection time over graphql-ws, per request over HTTP; and over graphql-ws what a subscription needs of its
 * connection.
 */
export interface GraphqlContext extends GraphqlCallerContext<Viewer> {
  /** graphql-ws only: drops the connection of a subscriber too slow to keep up, with the reason. */
  readonly tooSlow?: (reason: string) => void;
  /** graphql-ws only: the subscription's id and connection, where its `next` messages can be written as is (shared-subscribe). */
  readonly outlet?: { readonly id: string; readonly socket: WebSocket };
}

/** What a resolver says when there is no caller: REST has no such route, the message is the change-sink's own. */
export const CALLER_REQUIRED = 'A valid API key or token is required';

/** Close code for a subscriber dropped because it reads too slowly. */
export const CLOSE_TOO_SLOW = 4429;

import { TributaryError } from '@tributary/domain';
import type { WebSocket } from 'ws';
import type { Viewer } from '../auth/viewer.js';

/** The GraphQL context: the viewer authenticated at connection time (graphql-ws) or per request (HTTP). */
export interface GraphqlContext {
  viewer?: Viewer;
  /** graphql-ws only: drops the connection of a subscriber too slow to keep up, with the reason. */
  tooSlow?: (reason: string) => void;
  /** graphql-ws only: the subscription's id and connection, where its `next` messages can be written as is (shared-subscribe). */
  outlet?: { readonly id: string; readonly socket: WebSocket };
}

export function viewerOf(context: GraphqlContext): Viewer {
  if (!context.viewer) throw new TributaryError('unauthenticated', 'unauthenticated', 'A valid API key or token is required');
  return context.viewer;
}

/** Close code for a subscriber dropped because it reads too slowly. */
export const CLOSE_TOO_SLOW = 4429;

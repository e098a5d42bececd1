#!/usr/bin/env node
// Subscribes to packageUpdated on the change-sink and prints each update as one JSON line.
//   node scripts/subscribe.js <tenant api key> [trackingId]
// TRIBUTARY_WS_URL overrides ws://127.0.0.1:3002/graphql.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [apiKey, trackingId] = process.argv.slice(2);
if (!apiKey) {
  console.error('usage: node scripts/subscribe.js <tenant api key> [trackingId]');
  process.exit(2);
}
const url = process.env.TRIBUTARY_WS_URL ?? 'ws://127.0.0.1:3002/graphql';
const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: { authorization: `Bearer ${apiKey}` },
  retryAttempts: 0,
  on: { connected: () => console.error(`subscribed to packageUpdated at ${url}; waiting for updates (Ctrl-C stops)`) },
});

client.subscribe(
  {
    query: `subscription ($trackingId: String) {
      packageUpdated(trackingId: $trackingId) { trackingId status carrier carrierStatus updatedAt eventId }
    }`,
    variables: { trackingId },
  },
  {
    next: (result) => console.log(JSON.stringify(result.data?.packageUpdated ?? result)),
    error: (error) => {
      const reason = error instanceof Error ? error.message : (error?.reason ?? JSON.stringify(error));
      console.error(`subscription failed: ${reason || 'connection refused (is the API key valid?)'}`);
      process.exit(1);
    },
    complete: () => process.exit(0),
  },
);

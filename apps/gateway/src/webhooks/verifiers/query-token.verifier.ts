import { generateToken, TOKEN_SECRET } from './bearer.verifier.js';
import {
  contentDigest,
  sameBytes,
  senderMessageId,
  sha256,
  unauthenticated,
  type IncomingDelivery,
  type VerifierKey,
  type WebhookVerifier,
} from './webhook-verifier.js';

/**
 * For carriers that can only call a configured URL with GET (DPD-style): the secret travels as the
 * `token` query parameter and the payload is the other query parameters (or a JSON body on POST).
 * The token is stored hashed and never logged (the logs redact `token`). A repeat of the same
 * parameters is a retry.
 */
export class QueryTokenVerifier implements WebhookVerifier {
  readonly scheme = 'query-token' as const;
  readonly methods = ['GET', 'POST'];
  readonly storage = 'hashed' as const;

  generateSecret(): string {
    return generateToken();
  }

  acceptsSecret(secret: string): boolean {
    return TOKEN_SECRET.test(secret);
  }

  keyOf(secret: string): Buffer {
    return sha256(secret);
  }

  claims(delivery: IncomingDelivery): boolean {
    return delivery.query.has('token');
  }

  verify(delivery: IncomingDelivery, keys: readonly VerifierKey[]): string {
    const tokens = delivery.query.getAll('token');
    if (tokens.length === 0 || !tokens[0]) throw unauthenticated('signature_missing', 'The token query parameter is required');
    const presented = sha256(tokens.length === 1 ? tokens[0] : '');
    let matched = false;
    for (const { key } of keys) matched = sameBytes(presented, key) || matched;
    if (!matched) throw unauthenticated('signature_invalid', 'The token is not valid');
    const rest = [...delivery.query.entries()].filter(([name]) => name !== 'token').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return senderMessageId(delivery.headers, 'webhook-id', 'idempotency-key') ?? contentDigest(JSON.stringify(rest), delivery.body);
  }
}

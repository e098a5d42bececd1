import { TributaryError } from '@tributary/domain';
import { BearerVerifier } from './bearer.verifier.js';
import { GithubVerifier } from './github.verifier.js';
import { QueryTokenVerifier } from './query-token.verifier.js';
import { StandardWebhooksVerifier } from './standard-webhooks.verifier.js';
import { StripeVerifier } from './stripe.verifier.js';
import type { IncomingDelivery, VerifierScheme, WebhookVerifier } from './webhook-verifier.js';

/** Every verification scheme a webhook can be created with. */
const all: readonly WebhookVerifier[] = [
  new StandardWebhooksVerifier(),
  new BearerVerifier(),
  new GithubVerifier(),
  new StripeVerifier(),
  new QueryTokenVerifier(),
];

const byScheme = new Map<string, WebhookVerifier>(all.map((v) => [v.scheme, v]));

export function verifierFor(scheme: VerifierScheme | string): WebhookVerifier {
  const verifier = byScheme.get(scheme);
  if (!verifier) throw new TributaryError('invalid', 'verifier_unknown', `Unknown verifier "${scheme}"`);
  return verifier;
}

const decoyOrder = ['stripe', 'github', 'standard-webhooks', 'query-token', 'bearer'].map((s) => byScheme.get(s)!);

/**
 * For an unknown webhook, the scheme the request looks like it uses: verifying against a decoy
 * secret of that scheme makes "no such webhook" cost what "wrong secret" costs.
 */
export const decoyVerifierFor = (delivery: IncomingDelivery): WebhookVerifier =>
  decoyOrder.find((v) => v.claims(delivery)) ?? byScheme.get('standard-webhooks')!;

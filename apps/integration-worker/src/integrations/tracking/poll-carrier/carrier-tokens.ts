import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { isTributaryError } from '@tributary/domain';
import { NonRetryable } from '@tributary/messaging';
import type { HandlerHttp } from '../../../sdk/integration-handler.js';
import { readTokenAnswer, tokenRequest, type ClientCredentials, type OAuthCarrier } from './carrier-apis.js';

/** A token is renewed this long before the carrier says it expires (a run in flight never presents an expired one). */
export const TOKEN_RENEWAL_MARGIN_MS = 60_000;

interface CachedToken {
  /** Which base URL and client credentials it was issued for: a deployment whose credentials changed gets a new one. */
  readonly issuedFor: string;
  readonly accessToken: string;
  readonly expiresAt: number;
}

/** The token exchange's refusal: the client credentials (or the carrier's refusal of a fresh token) — never their value. */
export const authRefused = (carrier: OAuthCarrier, why: string) =>
  new NonRetryable('carrier_auth_refused', `${carrier.toUpperCase()} refused the deployment's OAuth client credentials: ${why}`);

/**
 * The UPS / FedEx OAuth access tokens of the poller deployments, in this process: one per deployment,
 * obtained by the client-credentials exchange on first use, reused across runs until
 * `TOKEN_RENEWAL_MARGIN_MS` before it expires, and dropped when the carrier refuses it (`forget`). Kept in
 * memory only — never stored, logged or put in an error (each replica obtains its own).
 */
@Injectable()
export class CarrierTokens {
  private readonly tokens = new Map<string, CachedToken>();
  /** One exchange at a time per deployment: concurrent runs share it. */
  private readonly pending = new Map<string, Promise<string>>();

  /** The deployment's token: the cached one while it is fresh, else a new one from the carrier's token endpoint. */
  async token(deploymentId: string, carrier: OAuthCarrier, baseUrl: string, client: Partial<ClientCredentials>, http: HandlerHttp): Promise<string> {
    if (!client.clientId || !client.clientSecret) throw authRefused(carrier, 'the deployment has no clientId and clientSecret');
    const issuedFor = fingerprint(baseUrl, client.clientId, client.clientSecret);
    const cached = this.tokens.get(deploymentId);
    if (cached && cached.issuedFor === issuedFor && cached.expiresAt - TOKEN_RENEWAL_MARGIN_MS > Date.now()) return cached.accessToken;
    const key = `${deploymentId}:${issuedFor}`;
    let exchange = this.pending.get(key);
    if (!exchange) {
      exchange = this.exchange(deploymentId, carrier, baseUrl, { clientId: client.clientId, clientSecret: client.clientSecret }, issuedFor, http).finally(() =>
        this.pending.delete(key),
      );
      this.pending.set(key, exchange);
    }
    return exchange;
  }

  /** The carrier refused the deployment's token (401): the next `token` call obtains a new one. */
  forget(deploymentId: string): void {
    this.tokens.delete(deploymentId);
  }

  private async exchange(deploymentId: string, carrier: OAuthCarrier, baseUrl: string, client: ClientCredentials, issuedFor: string, http: HandlerHttp): Promise<string> {
    let body: unknown;
    try {
      ({ body } = await http.request({ ...tokenRequest(carrier, baseUrl, client), timeoutMs: 10_000 }));
    } catch (error) {
      // 400/401/403: the client id or secret is wrong (or the account is not allowed): retrying cannot help.
      if (isTributaryError(error) && error.code === 'upstream_rejected') throw authRefused(carrier, `its token endpoint answered ${String(error.details?.status)}`);
      throw error;
    }
    const issued = readTokenAnswer(body);
    if (!issued) throw authRefused(carrier, 'its token endpoint answered without an access_token');
    const expiresAt = Date.now() + issued.expiresInSeconds * 1000;
    // A token that expires within the margin (or names no lifetime) serves the run that asked for it only.
    if (expiresAt - TOKEN_RENEWAL_MARGIN_MS > Date.now()) this.tokens.set(deploymentId, { issuedFor, accessToken: issued.accessToken, expiresAt });
    else this.tokens.delete(deploymentId);
    return issued.accessToken;
  }
}

const fingerprint = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest('base64url');

import { normalizePackageStatus, type PackageStatus } from '@tributary/domain';
import type { HttpRequest } from '../../../sdk/integration-handler.js';

export const POLLED_CARRIERS = ['dhl', 'ups', 'fedex'] as const;
export type PolledCarrier = (typeof POLLED_CARRIERS)[number];

/** The carriers' production endpoints (a deployment's `baseUrl` replaces them, e.g. with a sandbox). */
export const CARRIER_BASE_URLS: Record<PolledCarrier, string> = {
  dhl: 'https://api-eu.dhl.com',
  ups: 'https://onlinetools.ups.com',
  fedex: 'https://apis.fedex.com',
};

/** One scan of a parcel as a carrier reports it, in the canonical vocabulary beside the carrier's own word. */
export interface CarrierScan {
  readonly status: PackageStatus;
  readonly carrierStatus: string;
  readonly occurredAt: string;
}

/** What one tracking answer says about the parcel asked for. */
export type TrackingAnswer = { readonly kind: 'scans'; readonly scans: readonly CarrierScan[] } | { readonly kind: 'unknown'; readonly reason: string };

type Json = Record<string, unknown>;
const object = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const array = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** What a tracking call is authenticated with: DHL's API key, or the UPS / FedEx OAuth access token the client credentials were exchanged for. */
export interface CarrierSecret {
  readonly apiKey?: string;
  readonly accessToken?: string;
}

/** The carriers whose APIs take an OAuth 2.0 access token, issued for the account's client id and secret. */
export type OAuthCarrier = Exclude<PolledCarrier, 'dhl'>;
export const isOAuthCarrier = (carrier: PolledCarrier): carrier is OAuthCarrier => carrier !== 'dhl';

export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

/**
 * The OAuth 2.0 client-credentials token request: UPS `POST /security/v1/oauth/token` with the client id
 * and secret as HTTP Basic and `grant_type=client_credentials`; FedEx `POST /oauth/token` with all three
 * in the form body.
 */
export function tokenRequest(carrier: OAuthCarrier, baseUrl: string, client: ClientCredentials): HttpRequest {
  const base = baseUrl.replace(/\/+$/, '');
  switch (carrier) {
    case 'ups':
      return {
        method: 'POST',
        url: `${base}/security/v1/oauth/token`,
        headers: { authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}` },
        form: { grant_type: 'client_credentials' },
      };
    case 'fedex':
      return { method: 'POST', url: `${base}/oauth/token`, form: { grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret } };
  }
}

/** An issued token: `expiresInSeconds` 0 when the answer names no lifetime (then it serves one run only). */
export interface IssuedToken {
  readonly accessToken: string;
  readonly expiresInSeconds: number;
}

/**
 * Reads a token answer — `{ access_token, token_type, expires_in, … }` (UPS sends `expires_in` as a
 * string of seconds, FedEx as a number) — or undefined when it carries no access token.
 */
export function readTokenAnswer(body: unknown): IssuedToken | undefined {
  const answer = object(body);
  const accessToken = text(answer.access_token);
  if (!accessToken) return undefined;
  const raw = answer.expires_in;
  const seconds = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : 0;
  return { accessToken, expiresInSeconds: Number.isFinite(seconds) && seconds > 0 ? seconds : 0 };
}

/** The carrier's tracking request for one parcel. */
export function trackingRequest(carrier: PolledCarrier, baseUrl: string, trackingId: string, credentials: CarrierSecret): HttpRequest {
  const base = baseUrl.replace(/\/+$/, '');
  const id = encodeURIComponent(trackingId);
  switch (carrier) {
    case 'dhl':
      // DHL Shipment Tracking - Unified: GET /track/shipments?trackingNumber=, key in DHL-API-Key
      return { method: 'GET', url: `${base}/track/shipments?trackingNumber=${id}`, headers: { 'dhl-api-key': credentials.apiKey ?? '' } };
    case 'ups':
      // UPS Track API: GET /api/track/v1/details/{inquiryNumber}, OAuth bearer token
      return {
        method: 'GET',
        url: `${base}/api/track/v1/details/${id}?locale=en_US&returnSignature=false`,
        headers: { authorization: `Bearer ${credentials.accessToken ?? ''}`, transid: trackingId, transactionsrc: 'tributary' },
      };
    case 'fedex':
      // FedEx Track API: POST /track/v1/trackingnumbers, OAuth bearer token
      return {
        method: 'POST',
        url: `${base}/track/v1/trackingnumbers`,
        headers: { authorization: `Bearer ${credentials.accessToken ?? ''}` },
        json: { includeDetailedScans: true, trackingInfo: [{ trackingNumberInfo: { trackingNumber: trackingId } }] },
      };
  }
}

/** A scan with an unreadable time is dropped: a parcel never moves on a date nobody can read. */
function scan(status: PackageStatus, carrierStatus: string, when: string | undefined): CarrierScan[] {
  if (!when) return [];
  const time = Date.parse(when);
  if (!Number.isFinite(time)) return [];
  return [{ status, carrierStatus: (carrierStatus || status).slice(0, 128), occurredAt: new Date(time).toISOString() }];
}

const DHL_STATUS: Record<string, PackageStatus> = { 'pre-transit': 'pre_transit', transit: 'in_transit', delivered: 'delivered', failure: 'exception' };

/** DHL: `shipments[].events[]` with `statusCode` (pre-transit, transit, delivered, failure, unknown). */
function dhlScans(body: unknown): CarrierScan[] {
  const [shipment] = array(object(body).shipments);
  return array(object(shipment).events).flatMap((raw) => {
    const event = object(raw);
    const description = text(event.description) || text(event.status);
    const status = /out for delivery/i.test(description) ? 'out_for_delivery' : (DHL_STATUS[text(event.statusCode)] ?? normalizePackageStatus(description));
    return scan(status, description, text(event.timestamp));
  });
}

const UPS_TYPE: Record<string, PackageStatus> = { M: 'pre_transit', MV: 'pre_transit', P: 'in_transit', I: 'in_transit', D: 'delivered', X: 'exception', RS: 'returned' };

/** UPS `YYYYMMDD` + `HHMMSS` (GMT when the answer gives it) as ISO 8601. */
function upsTime(date: string, time: string): string | undefined {
  if (!/^\d{8}$/.test(date) || !/^\d{6}$/.test(time)) return undefined;
  return `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6)}T${time.slice(0, 2)}:${time.slice(2, 4)}:${time.slice(4)}Z`;
}

/** UPS: `trackResponse.shipment[].package[].activity[]` with `status.type` (M, P, I, D, X, RS …). */
function upsScans(body: unknown): CarrierScan[] {
  const [shipment] = array(object(object(body).trackResponse).shipment);
  const [parcel] = array(object(shipment).package);
  return array(object(parcel).activity).flatMap((raw) => {
    const activity = object(raw);
    const status = object(activity.status);
    const description = text(status.description);
    const mapped = /out for delivery/i.test(description) ? 'out_for_delivery' : (UPS_TYPE[text(status.type)] ?? normalizePackageStatus(description));
    const gmt = upsTime(text(activity.gmtDate), text(activity.gmtTime).replaceAll(':', ''));
    return scan(mapped, description, gmt ?? upsTime(text(activity.date), text(activity.time)));
  });
}

const FEDEX_EVENT: Record<string, PackageStatus> = {
  OC: 'pre_transit',
  PU: 'in_transit',
  AR: 'in_transit',
  DP: 'in_transit',
  IT: 'in_transit',
  AF: 'in_transit',
  OD: 'out_for_delivery',
  DL: 'delivered',
  DE: 'exception',
  CA: 'exception',
  RS: 'returned',
};

/** FedEx: `output.completeTrackResults[].trackResults[].scanEvents[]` with `eventType` (OC, PU, IT, OD, DL, DE …). */
function fedexAnswer(body: unknown): TrackingAnswer {
  const [complete] = array(object(object(body).output).completeTrackResults);
  const [result] = array(object(complete).trackResults);
  const error = object(object(result).error);
  if (text(error.code)) return { kind: 'unknown', reason: `${text(error.code)}: ${text(error.message)}`.slice(0, 200) };
  const scans = array(object(result).scanEvents).flatMap((raw) => {
    const event = object(raw);
    const description = text(event.eventDescription);
    return scan(FEDEX_EVENT[text(event.eventType)] ?? normalizePackageStatus(description), description, text(event.date));
  });
  return { kind: 'scans', scans };
}

/** Reads a carrier's 2xx tracking answer (FedEx reports an unknown number inside one). */
export function readTrackingAnswer(carrier: PolledCarrier, body: unknown): TrackingAnswer {
  switch (carrier) {
    case 'dhl':
      return { kind: 'scans', scans: dhlScans(body) };
    case 'ups':
      return { kind: 'scans', scans: upsScans(body) };
    case 'fedex':
      return fedexAnswer(body);
  }
}

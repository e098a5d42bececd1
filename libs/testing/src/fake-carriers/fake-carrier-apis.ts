import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeCarrierName = 'dhl' | 'ups' | 'fedex';

/**
 * One scan as a test scripts it: `code` in the carrier's own vocabulary — DHL `statusCode`
 * (pre-transit, transit, delivered, failure), UPS `status.type` (M, P, I, D, X, RS), FedEx `eventType`
 * (OC, PU, IT, OD, DL, DE, RS) — with its description and time.
 */
export interface FakeScan {
  readonly code: string;
  readonly description: string;
  readonly at: string;
}

/** One tracking call the fake answered. */
export interface FakeCarrierCall {
  readonly trackingId: string;
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
}

/** One request to the OAuth token endpoint (UPS, FedEx) and how it was answered. */
export interface FakeTokenCall {
  readonly status: number;
  /** The client id it presented (Basic for UPS, the form for FedEx). */
  readonly clientId?: string;
  readonly contentType?: string;
  readonly grantType?: string;
}

export interface FakeCarrierApi {
  readonly carrier: FakeCarrierName;
  /** The base URL a deployment's `baseUrl` takes. */
  readonly url: string;
  /** DHL: the `DHL-API-Key` it accepts. UPS / FedEx: the client secret of `credentials`. */
  readonly secret: string;
  /** What a deployment's credentials hold for this fake: DHL `{ apiKey }`, UPS / FedEx `{ clientId, clientSecret }`. */
  readonly credentials: Readonly<Record<string, string>>;
  readonly calls: FakeCarrierCall[];
  /** UPS / FedEx: every token request (`POST /security/v1/oauth/token`, `POST /oauth/token`), in order. */
  readonly tokenCalls: FakeTokenCall[];
  /** The access tokens issued so far, in order. */
  readonly issued: string[];
  /** Every token issued so far is refused from now on (401, as for an expired token). */
  expireTokens(): void;
  /** `expires_in` of the tokens issued from now on (default 3600 s; UPS answers it as a string). */
  tokenLifetime(seconds: number): void;
  /** Adds scans to a parcel (a parcel without scans is an unknown tracking number). */
  scan(trackingId: string, ...scans: FakeScan[]): void;
  /** The next `count` tracking calls answer 429 with `Retry-After: retryAfterSeconds`. */
  rateLimit(count: number, retryAfterSeconds: number): void;
  /** The tracking ids asked about, in order. */
  asked(): string[];
  stop(): Promise<void>;
}

const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

/** UPS dates: YYYYMMDD and HHMMSS. */
const upsDate = (iso: string) => iso.slice(0, 10).replaceAll('-', '');
const upsTime = (iso: string) => iso.slice(11, 19).replaceAll(':', '');

const newestFirst = (scans: readonly FakeScan[]) => [...scans].sort((a, b) => b.at.localeCompare(a.at));

/** DHL Shipment Tracking - Unified: `shipments[].events[]`, newest first. */
function dhlFound(trackingId: string, scans: readonly FakeScan[]) {
  const events = newestFirst(scans).map((s) => ({
    timestamp: s.at,
    location: { address: { addressLocality: 'Bonn, DE' } },
    statusCode: s.code,
    status: s.description.toUpperCase(),
    description: s.description,
  }));
  return { shipments: [{ id: trackingId, service: 'parcel-de', origin: { address: { addressLocality: 'DE' } }, status: events[0], events }] };
}

/** UPS Track API: `trackResponse.shipment[].package[].activity[]`, newest first. */
function upsFound(trackingId: string, scans: readonly FakeScan[]) {
  const activity = newestFirst(scans).map((s) => ({
    location: { address: { city: 'LOUISVILLE', stateProvince: 'KY', countryCode: 'US', country: 'US' } },
    status: { type: s.code, description: s.description, code: s.code, statusCode: '005' },
    date: upsDate(s.at),
    time: upsTime(s.at),
    gmtDate: upsDate(s.at),
    gmtOffset: '+00:00',
    gmtTime: s.at.slice(11, 19),
  }));
  return {
    trackResponse: {
      shipment: [{ inquiryNumber: trackingId, package: [{ trackingNumber: trackingId, currentStatus: activity[0]?.status, activity }] }],
    },
  };
}

/** FedEx Track API: `output.completeTrackResults[].trackResults[].scanEvents[]`, newest first. */
function fedexResult(trackingId: string, scans: readonly FakeScan[]) {
  if (scans.length === 0) {
    return {
      trackingNumberInfo: { trackingNumber: trackingId, carrierCode: '', trackingNumberUniqueId: '' },
      error: { code: 'TRACKING.TRACKINGNUMBER.NOTFOUND', message: 'Tracking number cannot be found. Please correct the tracking number and try again.' },
    };
  }
  const scanEvents = newestFirst(scans).map((s) => ({
    date: s.at,
    eventType: s.code,
    eventDescription: s.description,
    derivedStatusCode: s.code,
    scanLocation: { city: 'MEMPHIS', countryCode: 'US' },
  }));
  return {
    trackingNumberInfo: { trackingNumber: trackingId, carrierCode: 'FDXE', trackingNumberUniqueId: `12029~${trackingId}~FDEG` },
    latestStatusDetail: { code: scanEvents[0].eventType, description: scanEvents[0].eventDescription },
    scanEvents,
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A local stand-in for a carrier's tracking API, answering in that carrier's documented shapes: found
 * parcels, unknown tracking numbers (DHL and UPS: 404 with their error bodies; FedEx: 200 with an
 * `error` in the track result), a refused key or token (401), and rate limiting (429 with Retry-After).
 * UPS and FedEx issue OAuth 2.0 access tokens for the client credentials (client_credentials grant) at
 * their token endpoints, refuse wrong credentials there with their error bodies, and take only a token
 * they issued and have not expired.
 */
export async function startFakeCarrierApi(carrier: FakeCarrierName): Promise<FakeCarrierApi> {
  const secret = `${carrier}-secret-${randomUUID()}`;
  const clientId = `${carrier}-client-${randomUUID()}`;
  const parcels = new Map<string, FakeScan[]>();
  const calls: FakeCarrierCall[] = [];
  const tokenCalls: FakeTokenCall[] = [];
  const issued: string[] = [];
  const valid = new Set<string>();
  let lifetimeSeconds = 3600;
  let limited = { count: 0, retryAfterSeconds: 0 };

  /** UPS `POST /security/v1/oauth/token` (Basic client id:secret) and FedEx `POST /oauth/token` (all in the form). */
  const issueToken = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const contentType = request.headers['content-type'];
    const form = new URLSearchParams(await readBody(request));
    const grantType = form.get('grant_type') ?? undefined;
    let presented: { id?: string; secret?: string } = {};
    if (carrier === 'ups') {
      const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      const [id, ...rest] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
      presented = { id, secret: rest.join(':') };
    } else {
      presented = { id: form.get('client_id') ?? undefined, secret: form.get('client_secret') ?? undefined };
    }
    const refuse = (status: number, body: unknown) => {
      tokenCalls.push({ status, clientId: presented.id, contentType, grantType });
      json(response, status, body);
    };
    if (!/^application\/x-www-form-urlencoded\b/.test(contentType ?? '') || grantType !== 'client_credentials') {
      if (carrier === 'ups') return refuse(400, { response: { errors: [{ code: '10400', message: 'Invalid/Missing grant_type' }] } });
      return refuse(400, { transactionId: randomUUID(), errors: [{ code: 'BAD.REQUEST.ERROR', message: 'The given grant_type is not supported.' }] });
    }
    if (presented.id !== clientId || presented.secret !== secret) {
      if (carrier === 'ups') return refuse(401, { response: { errors: [{ code: '10401', message: 'ClientId is Invalid' }] } });
      return refuse(401, { transactionId: randomUUID(), errors: [{ code: 'NOT.AUTHORIZED.ERROR', message: 'The given client credentials were not valid. Please modify your request and try again.' }] });
    }
    const token = `${carrier}-token-${randomUUID()}`;
    issued.push(token);
    valid.add(token);
    tokenCalls.push({ status: 200, clientId: presented.id, contentType, grantType });
    if (carrier === 'ups') {
      return void json(response, 200, { token_type: 'Bearer', issued_at: String(Date.now()), client_id: clientId, access_token: token, expires_in: String(lifetimeSeconds), refresh_count: '0', status: 'approved' });
    }
    json(response, 200, { access_token: token, token_type: 'bearer', expires_in: lifetimeSeconds, scope: 'CXS SECURE' });
  };

  const answer = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://fake');
    if (request.method === 'POST' && ((carrier === 'ups' && url.pathname === '/security/v1/oauth/token') || (carrier === 'fedex' && url.pathname === '/oauth/token'))) {
      return issueToken(request, response);
    }
    let trackingId: string | undefined;
    if (carrier === 'dhl' && request.method === 'GET' && url.pathname === '/track/shipments') trackingId = url.searchParams.get('trackingNumber') ?? '';
    if (carrier === 'ups' && request.method === 'GET' && url.pathname.startsWith('/api/track/v1/details/')) {
      trackingId = decodeURIComponent(url.pathname.slice('/api/track/v1/details/'.length));
    }
    if (carrier === 'fedex' && request.method === 'POST' && url.pathname === '/track/v1/trackingnumbers') {
      const body = JSON.parse(await readBody(request)) as { trackingInfo?: Array<{ trackingNumberInfo?: { trackingNumber?: string } }> };
      trackingId = body.trackingInfo?.[0]?.trackingNumberInfo?.trackingNumber ?? '';
    }
    if (trackingId === undefined) return void json(response, 404, { title: 'Not found', status: 404 });
    const record = (status: number) => calls.push({ trackingId: trackingId, status, headers: request.headers });

    const presented = carrier === 'dhl' ? request.headers['dhl-api-key'] : request.headers.authorization?.replace(/^Bearer /, '');
    if (carrier === 'dhl' ? presented !== secret : !valid.has(String(presented ?? ''))) {
      record(401);
      if (carrier === 'dhl') return void json(response, 401, { title: 'Unauthorized', status: 401, detail: 'Invalid API key' });
      if (carrier === 'ups') return void json(response, 401, { response: { errors: [{ code: '250002', message: 'Invalid Authentication Information.' }] } });
      return void json(response, 401, { transactionId: randomUUID(), errors: [{ code: 'NOT.AUTHORIZED.ERROR', message: 'Access token expired. Please modify your request and try again.' }] });
    }
    if (limited.count > 0) {
      limited.count--;
      record(429);
      const headers = { 'retry-after': String(limited.retryAfterSeconds) };
      if (carrier === 'dhl') return void json(response, 429, { title: 'Too many requests', status: 429, detail: 'Too many requests. Try again later.' }, headers);
      if (carrier === 'ups') return void json(response, 429, { response: { errors: [{ code: '10429', message: 'Too Many Requests.' }] } }, headers);
      return void json(
        response,
        429,
        { transactionId: randomUUID(), errors: [{ code: 'TOO.MANY.REQUESTS', message: 'We have received too many requests in a short duration. Please wait a while to try again.' }] },
        headers,
      );
    }

    const scans = parcels.get(trackingId) ?? [];
    if (carrier === 'fedex') {
      record(200);
      return void json(response, 200, {
        transactionId: randomUUID(),
        output: { completeTrackResults: [{ trackingNumber: trackingId, trackResults: [fedexResult(trackingId, scans)] }] },
      });
    }
    if (scans.length === 0) {
      record(404);
      if (carrier === 'dhl') return void json(response, 404, { title: 'No result found', status: 404, detail: 'No shipment with given tracking number found.' });
      return void json(response, 404, { response: { errors: [{ code: '151018', message: 'Invalid tracking number' }] } });
    }
    record(200);
    json(response, 200, carrier === 'dhl' ? dhlFound(trackingId, scans) : upsFound(trackingId, scans));
  };

  const server: Server = createServer((request, response) => {
    answer(request, response).catch(() => json(response, 400, { title: 'Bad request', status: 400 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    carrier,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    secret,
    credentials: carrier === 'dhl' ? { apiKey: secret } : { clientId, clientSecret: secret },
    calls,
    tokenCalls,
    issued,
    expireTokens() {
      valid.clear();
    },
    tokenLifetime(seconds) {
      lifetimeSeconds = seconds;
    },
    scan(trackingId, ...scans) {
      parcels.set(trackingId, [...(parcels.get(trackingId) ?? []), ...scans]);
    },
    rateLimit(count, retryAfterSeconds) {
      limited = { count, retryAfterSeconds };
    },
    asked: () => calls.map((c) => c.trackingId),
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

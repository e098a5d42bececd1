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

export interface FakeCarrierApi {
  readonly carrier: FakeCarrierName;
  /** The base URL a deployment's `baseUrl` takes. */
  readonly url: string;
  /** The secret the fake accepts: DHL's `DHL-API-Key`, the UPS / FedEx bearer token. */
  readonly secret: string;
  readonly calls: FakeCarrierCall[];
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
 * `error` in the track result), a refused secret (401), and rate limiting (429 with Retry-After).
 */
export async function startFakeCarrierApi(carrier: FakeCarrierName): Promise<FakeCarrierApi> {
  const secret = `${carrier}-secret-${randomUUID()}`;
  const parcels = new Map<string, FakeScan[]>();
  const calls: FakeCarrierCall[] = [];
  let limited = { count: 0, retryAfterSeconds: 0 };

  const answer = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://fake');
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
    if (presented !== secret) {
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
    calls,
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

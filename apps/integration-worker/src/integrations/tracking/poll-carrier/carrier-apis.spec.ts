import { readTokenAnswer, readTrackingAnswer, tokenRequest, trackingRequest } from './carrier-apis.js';

describe('carrier tracking answers, read into canonical scans', () => {
  it('DHL: shipments[].events[] by statusCode, "out for delivery" by its description', () => {
    const body = {
      shipments: [
        {
          id: 'JJD1',
          events: [
            { timestamp: '2026-12-01T12:00:00+01:00', statusCode: 'transit', description: 'The shipment is out for delivery' },
            { timestamp: '2026-12-01T08:00:00Z', statusCode: 'transit', description: 'Processed in the parcel center' },
            { timestamp: 'yesterday', statusCode: 'delivered', description: 'Delivered' },
          ],
        },
      ],
    };
    expect(readTrackingAnswer('dhl', body)).toEqual({
      kind: 'scans',
      scans: [
        { status: 'out_for_delivery', carrierStatus: 'The shipment is out for delivery', occurredAt: '2026-12-01T11:00:00.000Z' },
        { status: 'in_transit', carrierStatus: 'Processed in the parcel center', occurredAt: '2026-12-01T08:00:00.000Z' },
      ],
    });
  });

  it('UPS: trackResponse.shipment[].package[].activity[] by status.type, at the GMT date and time', () => {
    const body = {
      trackResponse: {
        shipment: [
          {
            package: [
              {
                activity: [
                  { status: { type: 'D', description: 'DELIVERED' }, date: '20261201', time: '170000', gmtDate: '20261201', gmtTime: '16:00:00' },
                  { status: { type: 'M', description: 'Shipper created a label' }, date: '20261130', time: '090000' },
                ],
              },
            ],
          },
        ],
      },
    };
    expect(readTrackingAnswer('ups', body)).toEqual({
      kind: 'scans',
      scans: [
        { status: 'delivered', carrierStatus: 'DELIVERED', occurredAt: '2026-12-01T16:00:00.000Z' },
        { status: 'pre_transit', carrierStatus: 'Shipper created a label', occurredAt: '2026-11-30T09:00:00.000Z' },
      ],
    });
  });

  it('FedEx: output.completeTrackResults[].trackResults[].scanEvents[] by eventType; an unknown number is an error inside a 200', () => {
    const found = { output: { completeTrackResults: [{ trackResults: [{ scanEvents: [{ date: '2026-12-01T10:00:00-06:00', eventType: 'OD', eventDescription: 'On FedEx vehicle for delivery' }] }] }] } };
    expect(readTrackingAnswer('fedex', found)).toEqual({
      kind: 'scans',
      scans: [{ status: 'out_for_delivery', carrierStatus: 'On FedEx vehicle for delivery', occurredAt: '2026-12-01T16:00:00.000Z' }],
    });
    const unknown = { output: { completeTrackResults: [{ trackResults: [{ error: { code: 'TRACKING.TRACKINGNUMBER.NOTFOUND', message: 'Tracking number cannot be found.' } }] }] } };
    expect(readTrackingAnswer('fedex', unknown)).toEqual({ kind: 'unknown', reason: 'TRACKING.TRACKINGNUMBER.NOTFOUND: Tracking number cannot be found.' });
  });

  it('reads an answer of an unexpected shape as no scans, never as a move', () => {
    for (const carrier of ['dhl', 'ups', 'fedex'] as const) {
      for (const body of [null, 'text', [], { shipments: 'x' }, { trackResponse: { shipment: [{ package: [{ activity: [{}] }] }] } }]) {
        expect(readTrackingAnswer(carrier, body)).toEqual({ kind: 'scans', scans: [] });
      }
    }
  });

  it('asks UPS and FedEx for a client-credentials token in their own ways', () => {
    expect(tokenRequest('ups', 'https://onlinetools.ups.com/', { clientId: 'id', clientSecret: 's:ecret' })).toEqual({
      method: 'POST',
      url: 'https://onlinetools.ups.com/security/v1/oauth/token',
      headers: { authorization: `Basic ${Buffer.from('id:s:ecret').toString('base64')}` },
      form: { grant_type: 'client_credentials' },
    });
    expect(tokenRequest('fedex', 'https://apis.fedex.com', { clientId: 'id', clientSecret: 'secret' })).toEqual({
      method: 'POST',
      url: 'https://apis.fedex.com/oauth/token',
      form: { grant_type: 'client_credentials', client_id: 'id', client_secret: 'secret' },
    });
  });

  it('reads a token answer: expires_in as UPS (a string) or FedEx (a number) sends it; no lifetime is 0; no token is none', () => {
    expect(readTokenAnswer({ token_type: 'Bearer', access_token: 'a', expires_in: '14399', status: 'approved' })).toEqual({ accessToken: 'a', expiresInSeconds: 14399 });
    expect(readTokenAnswer({ access_token: 'b', token_type: 'bearer', expires_in: 3599, scope: 'CXS SECURE' })).toEqual({ accessToken: 'b', expiresInSeconds: 3599 });
    expect(readTokenAnswer({ access_token: 'c', expires_in: 'soon' })).toEqual({ accessToken: 'c', expiresInSeconds: 0 });
    expect(readTokenAnswer({ access_token: 'd', expires_in: -5 })).toEqual({ accessToken: 'd', expiresInSeconds: 0 });
    for (const body of [null, 'text', {}, { access_token: 42 }, { access_token: '' }]) expect(readTokenAnswer(body)).toBeUndefined();
  });

  it('asks each carrier in its own way, the tracking number encoded', () => {
    expect(trackingRequest('dhl', 'https://api-eu.dhl.com/', 'A B', { apiKey: 'k' })).toEqual({
      method: 'GET',
      url: 'https://api-eu.dhl.com/track/shipments?trackingNumber=A%20B',
      headers: { 'dhl-api-key': 'k' },
    });
    expect(trackingRequest('ups', 'https://onlinetools.ups.com', '1Z/1', { accessToken: 't' })).toMatchObject({
      method: 'GET',
      url: 'https://onlinetools.ups.com/api/track/v1/details/1Z%2F1?locale=en_US&returnSignature=false',
      headers: { authorization: 'Bearer t' },
    });
    expect(trackingRequest('fedex', 'https://apis.fedex.com', '7948', { accessToken: 't' })).toMatchObject({
      method: 'POST',
      url: 'https://apis.fedex.com/track/v1/trackingnumbers',
      json: { includeDetailedScans: true, trackingInfo: [{ trackingNumberInfo: { trackingNumber: '7948' } }] },
    });
  });
});

import { renderNotification } from './notification-templates.js';

describe('notification mails', () => {
  it("end with the carrier's tracking page, in the mail's language", () => {
    expect(renderNotification('in_transit', 'de', { trackingId: 'JJD1', carrier: 'dhl' })).toEqual({
      subject: 'Ihr Paket JJD1 ist unterwegs',
      text: 'Ihr Paket JJD1 ist mit DHL unterwegs.\n\nVerfolgen Sie Ihr Paket: https://www.dhl.com/de-de/home/tracking/tracking-parcel.html?submit=1&tracking-id=JJD1',
      language: 'de',
    });
    expect(renderNotification('delivered', 'fr', { trackingId: '1Z9', carrier: 'ups' })?.text).toBe(
      'UPS has delivered your parcel 1Z9.\n\nFollow your parcel: https://www.ups.com/track?loc=en_DE&tracknum=1Z9&requester=ST/trackdetails',
    );
  });

  it('have no link line for a carrier without a tracking page', () => {
    expect(renderNotification('delivered', 'en', { trackingId: 'P1', carrier: 'pigeon' })?.text).toBe('PIGEON has delivered your parcel P1.');
  });

  it("fill {trackingUrl} in a tenant's own template", () => {
    const own = { subject: 'Parcel {trackingId}', text: 'Track it: {trackingUrl}' };
    expect(renderNotification('delivered', 'en', { trackingId: '7948', carrier: 'fedex' }, own)).toEqual({
      subject: 'Parcel 7948',
      text: 'Track it: https://www.fedex.com/fedextrack/?trknbr=7948&locale=en_DE',
      language: 'en',
    });
    expect(renderNotification('delivered', 'en', { trackingId: 'P1', carrier: 'pigeon' }, own)?.text).toBe('Track it: ');
  });
});

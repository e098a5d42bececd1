import { parseTrackingLocale, requestedTrackingLocale, trackingUrl } from './tracking-urls.js';
import { TributaryError } from './tributary-error.js';

describe('tracking URLs', () => {
  it('fills the DHL template with country, language and the tracking number', () => {
    expect(trackingUrl('dhl', '00340434161094042557', { country: 'DE', language: 'de' })).toBe(
      'https://www.dhl.com/de-de/home/tracking/tracking-parcel.html?submit=1&tracking-id=00340434161094042557',
    );
    expect(trackingUrl('DHL', 'JJD0001', { country: 'at', language: 'en' })).toBe(
      'https://www.dhl.com/at-en/home/tracking/tracking-parcel.html?submit=1&tracking-id=JJD0001',
    );
  });

  it('writes the locale as each carrier spells it', () => {
    expect(trackingUrl('ups', '1Z999AA10123456784', { country: 'us', language: 'en' })).toBe(
      'https://www.ups.com/track?loc=en_US&tracknum=1Z999AA10123456784&requester=ST/trackdetails',
    );
    expect(trackingUrl('fedex', '123456789012', { country: 'fr', language: 'fr' })).toBe('https://www.fedex.com/fedextrack/?trknbr=123456789012&locale=fr_FR');
    expect(trackingUrl('dpd', '01234567890123', { country: 'de', language: 'de' })).toBe('https://tracking.dpd.de/status/de_DE/parcel/01234567890123');
  });

  it('falls back to the default locale for a missing or malformed country or language', () => {
    expect(trackingUrl('dhl', 'X1')).toBe('https://www.dhl.com/de-en/home/tracking/tracking-parcel.html?submit=1&tracking-id=X1');
    expect(trackingUrl('dhl', 'X1', { country: 'deu', language: '../' })).toBe('https://www.dhl.com/de-en/home/tracking/tracking-parcel.html?submit=1&tracking-id=X1');
  });

  it('encodes the tracking number, so it cannot change where the link leads', () => {
    expect(trackingUrl('dhl', 'A&submit=0#x', { country: 'de', language: 'de' })).toBe(
      'https://www.dhl.com/de-de/home/tracking/tracking-parcel.html?submit=1&tracking-id=A%26submit%3D0%23x',
    );
  });

  it('has no URL for a carrier without a template', () => {
    expect(trackingUrl('pigeon', 'P-1')).toBeUndefined();
  });

  describe('parseTrackingLocale (a client’s locale)', () => {
    it('reads language and region, in any case, with - or _', () => {
      expect(parseTrackingLocale('de-DE')).toEqual({ language: 'de', country: 'de' });
      expect(parseTrackingLocale('EN_us')).toEqual({ language: 'en', country: 'us' });
      expect(parseTrackingLocale(' fr-CA ')).toEqual({ language: 'fr', country: 'ca' });
      expect(trackingUrl('ups', '1Z1', parseTrackingLocale('fr-CA'))).toBe('https://www.ups.com/track?loc=fr_CA&tracknum=1Z1&requester=ST/trackdetails');
    });

    it('falls back for what the templates cannot say: no region or a numeric one → DE, a three-letter language → en, the region after a script or before a variant', () => {
      expect(parseTrackingLocale('de')).toEqual({ language: 'de', country: 'de' });
      expect(parseTrackingLocale('es-419')).toEqual({ language: 'es', country: 'de' });
      expect(parseTrackingLocale('gsw-CH')).toEqual({ language: 'en', country: 'ch' });
      expect(parseTrackingLocale('zh-Hant-TW')).toEqual({ language: 'zh', country: 'tw' });
      expect(parseTrackingLocale('de-CH-1996')).toEqual({ language: 'de', country: 'ch' });
    });

    it('refuses what is not a language tag', () => {
      for (const tag of ['', ' ', 'd', 'deutsch', '12', 'de-', 'de--DE', 'de DE', 'de-DE;q=0.9', '../', 'de-DE,en', 'x'.repeat(40), `de-${'a'.repeat(9)}`, undefined, null, 42, ['de']]) {
        expect({ tag, parsed: parseTrackingLocale(tag) }).toEqual({ tag, parsed: undefined });
      }
    });
  });

  describe('requestedTrackingLocale (what every interface that takes a locale answers)', () => {
    it('none → the default locale; a language tag → its parse; anything else → locale_invalid', () => {
      expect(requestedTrackingLocale(undefined)).toEqual({});
      expect(requestedTrackingLocale(null)).toEqual({});
      expect(requestedTrackingLocale('fr-CA')).toEqual({ language: 'fr', country: 'ca' });
      for (const tag of ['', 'deutsch', 42, ['de']]) {
        let thrown: unknown;
        try {
          requestedTrackingLocale(tag);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(TributaryError);
        expect({ tag, code: (thrown as TributaryError).code }).toEqual({ tag, code: 'locale_invalid' });
      }
    });
  });
});

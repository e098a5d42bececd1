import { TributaryError } from './tributary-error.js';

/**
 * Where a customer follows a parcel on its carrier's own site: one URL template per carrier, filled with
 * the tracking number and the customer's country and language (the carriers' sites are localized by
 * both). A carrier without a template has no tracking URL.
 */
export const TRACKING_URL_TEMPLATES: Readonly<Record<string, string>> = {
  dhl: 'https://www.dhl.com/{country}-{language}/home/tracking/tracking-parcel.html?submit=1&tracking-id={id}',
  ups: 'https://www.ups.com/track?loc={language}_{COUNTRY}&tracknum={id}&requester=ST/trackdetails',
  fedex: 'https://www.fedex.com/fedextrack/?trknbr={id}&locale={language}_{COUNTRY}',
  dpd: 'https://tracking.dpd.de/status/{language}_{COUNTRY}/parcel/{id}',
  easypost: 'https://track.easypost.com/{id}',
};

/** The country and language a URL is localized for when the caller names none. */
export const DEFAULT_TRACKING_LOCALE = { country: 'de', language: 'en' } as const;

export interface TrackingUrlLocale {
  /** ISO 3166-1 alpha-2, any case. */
  readonly country?: string;
  /** ISO 639-1, any case. */
  readonly language?: string;
}

const CODE = /^[a-z]{2}$/;

/** A language tag as clients send it (BCP 47, `_` accepted for `-`): a 2–3 letter language, then subtags of 1–8 letters or digits. */
const LANGUAGE_TAG = /^[a-z]{2,3}(?:[-_][a-z0-9]{1,8})*$/i;
const MAX_LANGUAGE_TAG = 35;

/**
 * A client's locale for tracking URLs (`de-DE`, `de_de`, `en`, `zh-Hant-TW`) as the country and
 * language the templates take; undefined when it is not a language tag at all (the caller answers
 * `locale_invalid`). What the templates cannot say falls back, never fails: a language that is not two
 * letters (`gsw`) → the default language; the region is the first two-letter subtag after the language
 * (`TW` in `zh-Hant-TW`, `CH` in `de-CH-1996`), and without one (`de`, `es-419`) → the default country.
 */
export function parseTrackingLocale(tag: unknown): TrackingUrlLocale | undefined {
  if (typeof tag !== 'string') return undefined;
  const trimmed = tag.trim();
  if (trimmed.length > MAX_LANGUAGE_TAG || !LANGUAGE_TAG.test(trimmed)) return undefined;
  const [language, ...subtags] = trimmed.toLowerCase().split(/[-_]/);
  const region = subtags.find((subtag) => /^[a-z]{2}$/.test(subtag));
  return { language: CODE.test(language!) ? language : DEFAULT_TRACKING_LOCALE.language, country: region ?? DEFAULT_TRACKING_LOCALE.country };
}

/**
 * The locale a client asked for, as every interface that takes one reads it (the event store's package
 * views: `?locale=` and `trackingUrl(locale:)`; the change-sink's `packageUpdated(locale:)`): none → the
 * default (English, Germany); not a language tag → `locale_invalid` (400); what the templates cannot say
 * falls back (parseTrackingLocale).
 */
export function requestedTrackingLocale(raw: unknown): TrackingUrlLocale {
  if (raw === undefined || raw === null) return {};
  const locale = parseTrackingLocale(raw);
  if (!locale) throw new TributaryError('invalid', 'locale_invalid', 'locale must be a language tag: a language with an optional region (de, de-DE, en_US)');
  return locale;
}

/**
 * The carrier's tracking page for a parcel, or undefined for a carrier without a template. A country
 * or language that is not a two-letter code falls back to the default; the tracking number is
 * URL-encoded, so it can never change the page the link leads to.
 */
export function trackingUrl(carrier: string, trackingId: string, locale: TrackingUrlLocale = {}): string | undefined {
  const template = TRACKING_URL_TEMPLATES[carrier.trim().toLowerCase()];
  if (!template) return undefined;
  const pick = (value: string | undefined, fallback: string) => {
    const code = value?.trim().toLowerCase();
    return code && CODE.test(code) ? code : fallback;
  };
  const country = pick(locale.country, DEFAULT_TRACKING_LOCALE.country);
  const language = pick(locale.language, DEFAULT_TRACKING_LOCALE.language);
  return template
    .replaceAll('{COUNTRY}', country.toUpperCase())
    .replaceAll('{country}', country)
    .replaceAll('{language}', language)
    .replaceAll('{id}', encodeURIComponent(trackingId.trim()));
}

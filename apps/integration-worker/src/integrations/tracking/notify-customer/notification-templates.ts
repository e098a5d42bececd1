import { trackingUrl, type PackageStatus } from '@tributary/domain';

export interface MailTemplate {
  readonly subject: string;
  readonly text: string;
}

/**
 * One template per state and language; `{trackingId}` and `{carrier}` are filled in, and the parcel's page on
 * its carrier's site follows the text (`FOLLOW_LINE`) when the carrier has one.
 */
export const NOTIFICATION_TEMPLATES: Partial<Record<PackageStatus, Record<string, MailTemplate>>> = {
  pre_transit: {
    en: { subject: 'Your parcel {trackingId} is announced', text: '{carrier} has been told about your parcel {trackingId} and will pick it up soon.' },
    de: { subject: 'Ihr Paket {trackingId} ist angekündigt', text: '{carrier} wurde über Ihr Paket {trackingId} informiert und holt es bald ab.' },
  },
  in_transit: {
    en: { subject: 'Your parcel {trackingId} is on its way', text: 'Your parcel {trackingId} is on its way with {carrier}.' },
    de: { subject: 'Ihr Paket {trackingId} ist unterwegs', text: 'Ihr Paket {trackingId} ist mit {carrier} unterwegs.' },
  },
  out_for_delivery: {
    en: { subject: 'Your parcel {trackingId} arrives today', text: 'Your parcel {trackingId} is out for delivery with {carrier}.' },
    de: { subject: 'Ihr Paket {trackingId} kommt heute', text: 'Ihr Paket {trackingId} ist bei {carrier} in der Zustellung.' },
  },
  delivered: {
    en: { subject: 'Your parcel {trackingId} was delivered', text: '{carrier} has delivered your parcel {trackingId}.' },
    de: { subject: 'Ihr Paket {trackingId} wurde zugestellt', text: '{carrier} hat Ihr Paket {trackingId} zugestellt.' },
  },
  exception: {
    en: { subject: 'A problem with your parcel {trackingId}', text: '{carrier} reports a problem delivering your parcel {trackingId}. They will try again.' },
    de: { subject: 'Problem mit Ihrem Paket {trackingId}', text: '{carrier} meldet ein Problem bei der Zustellung Ihres Pakets {trackingId}. Es wird erneut versucht.' },
  },
  returned: {
    en: { subject: 'Your parcel {trackingId} is going back', text: 'Your parcel {trackingId} is being returned to the sender by {carrier}.' },
    de: { subject: 'Ihr Paket {trackingId} geht zurück', text: 'Ihr Paket {trackingId} wird von {carrier} an den Absender zurückgeschickt.' },
  },
};

export const NOTIFICATION_LANGUAGES = ['en', 'de'] as const;

/** The line that leads to the carrier's tracking page, under a built-in template's text. */
export const FOLLOW_LINE: Record<string, string> = { en: 'Follow your parcel: {trackingUrl}', de: 'Verfolgen Sie Ihr Paket: {trackingUrl}' };

/**
 * The mail for a state in a language: the tenant's own template for that state and language if it has
 * one, else the built-in one (English when the language has none); undefined for a state without any.
 * `{trackingUrl}` is the carrier's tracking page in the mail's language (empty for a carrier without
 * one); the built-in templates end with it.
 */
export function renderNotification(
  state: PackageStatus,
  language: string,
  values: { trackingId: string; carrier: string },
  own?: MailTemplate,
): (MailTemplate & { language: string }) | undefined {
  const chosen = own ? language : NOTIFICATION_TEMPLATES[state]?.[language] ? language : 'en';
  const url = trackingUrl(values.carrier, values.trackingId, { language: chosen });
  const fill = (text: string) =>
    text
      .replaceAll('{trackingId}', values.trackingId)
      .replaceAll('{carrier}', values.carrier.toUpperCase())
      .replaceAll('{trackingUrl}', url ?? '');
  if (own) return { subject: fill(own.subject), text: fill(own.text), language };
  const template = NOTIFICATION_TEMPLATES[state]?.[chosen];
  if (!template) return undefined;
  const follow = url ? `\n\n${fill(FOLLOW_LINE[chosen] ?? FOLLOW_LINE.en)}` : '';
  return { subject: fill(template.subject), text: `${fill(template.text)}${follow}`, language: chosen };
}

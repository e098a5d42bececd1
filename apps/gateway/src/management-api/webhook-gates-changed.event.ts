/**
 * Something that gates webhook deliveries changed — a tenant, an app, an integration or its subscription — so the
 * ingress of this instance forgets the webhooks it remembered (WebhookGatesChangedHandler). Published after the
 * change committed; the handler runs before `publish` returns.
 */
export class WebhookGatesChanged {}

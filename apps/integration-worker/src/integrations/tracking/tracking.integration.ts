import { Topics } from '@tributary/topics';
import { defineIntegration, route } from '../../sdk/integration.js';
import { AdaptDpdPush } from './adapt-dpd-push/adapt-dpd-push.handler.js';
import { AdaptEasyPostEvent } from './adapt-easypost-event/adapt-easypost-event.handler.js';
import { ApplyPackageUpdate } from './apply-package-update/apply-package-update.handler.js';
import { NormalizeCarrierUpdate } from './normalize-carrier-update/normalize-carrier-update.handler.js';
import { NotifyCustomer } from './notify-customer/notify-customer.handler.js';
import { NotificationMetrics } from './notify-customer/notification-metrics.js';
import { TrackingMailer } from './notify-customer/tracking-mailer.js';
import { CarrierPollLimiter } from './poll-carrier/carrier-poll-limiter.js';
import { CarrierPollerConfig, CarrierPollerCredentials } from './poll-carrier/carrier-poller-settings.js';
import { CarrierTokens } from './poll-carrier/carrier-tokens.js';
import { PollCarrier } from './poll-carrier/poll-carrier.handler.js';

/**
 * Track & trace: carrier webhooks (generic JSON, DPD-style, EasyPost-style) and pollers (DHL, UPS, FedEx) → canonical
 * `tracking.package.updated` → package state machine → `tracking.package.state-changed` on real
 * transitions → one customer e-mail per transition → `tracking.notification.sent`.
 */
export const trackingIntegration = defineIntegration({
  name: 'tracking',
  description: 'Carrier updates to canonical package states, package state machine, customer notifications',
  // A deployment is one carrier account its pollers call (the other routes run for every tenant without one).
  config: CarrierPollerConfig,
  credentials: CarrierPollerCredentials,
  providers: [TrackingMailer, NotificationMetrics, CarrierPollLimiter, CarrierTokens],
  routes: [
    route({
      method: 'normalize-carrier-update',
      topic: Topics.carrierUpdateReceived,
      handler: NormalizeCarrierUpdate,
      onSuccess: [Topics.packageUpdated],
      description: 'Generic JSON carrier updates',
    }),
    route({
      method: 'adapt-dpd-push',
      topic: Topics.dpdPushReceived,
      handler: AdaptDpdPush,
      onSuccess: [Topics.packageUpdated],
      description: 'DPD-style status pushes',
    }),
    route({
      method: 'adapt-easypost-event',
      topic: Topics.easyPostEventReceived,
      handler: AdaptEasyPostEvent,
      onSuccess: [Topics.packageUpdated],
      description: 'EasyPost-style tracker events (one update per tracking detail)',
    }),
    route({
      method: 'poll-carrier',
      topic: Topics.carrierPollRequested,
      handler: PollCarrier,
      onSuccess: [Topics.packageUpdated],
      runs: 'per-action',
      retry: { maxAttempts: 3, baseDelayMs: 5_000, maxDelayMs: 60_000 },
      timeoutMs: 120_000,
      description: "Polls the deployment's carrier (DHL, UPS or FedEx tracking API) for a batch of open parcels, on a schedule",
    }),
    route({
      method: 'apply-package-update',
      topic: Topics.packageUpdated,
      handler: ApplyPackageUpdate,
      onSuccess: [Topics.packageStateChanged],
      description: 'The package state machine: real transitions only, never backwards',
    }),
    route({
      method: 'notify-customer',
      topic: Topics.packageStateChanged,
      handler: NotifyCustomer,
      onSuccess: [Topics.notificationSent],
      retry: { maxAttempts: 8, baseDelayMs: 1_000, maxDelayMs: 60_000 },
      timeoutMs: 30_000,
      description: 'One e-mail per transition to a consenting customer',
    }),
  ],
});

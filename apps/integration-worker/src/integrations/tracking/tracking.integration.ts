import { Topics } from '@tributary/topics';
import { defineIntegration, route } from '../../sdk/integration.js';
import { NormalizeCarrierUpdate } from './normalize-carrier-update/normalize-carrier-update.handler.js';

/** Track & trace: carrier webhooks in, canonical package updates out. */
export const trackingIntegration = defineIntegration({
  name: 'tracking',
  description: 'Carrier updates to canonical package states, package state machine, customer notifications',
  routes: [
    route({
      method: 'normalize-carrier-update',
      topic: Topics.carrierUpdateReceived,
      handler: NormalizeCarrierUpdate,
      onSuccess: [Topics.packageUpdated],
      description: 'Generic JSON carrier updates to tracking.package.updated',
    }),
  ],
});

import type { IntegrationDefinition } from '../sdk/integration.js';
import { catalogIntegration } from './catalog/catalog.integration.js';
import { companyRegistryIntegration } from './company-registry/company-registry.integration.js';
import { trackingIntegration } from './tracking/tracking.integration.js';
import { webhookRelayIntegration } from './webhook-relay/webhook-relay.integration.js';

/** Every integration the worker runs: add yours here (one line), next to its folder. */
export const integrations: readonly IntegrationDefinition[] = [trackingIntegration, webhookRelayIntegration, companyRegistryIntegration, catalogIntegration];

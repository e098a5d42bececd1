import { Topics } from '@tributary/topics';
import { IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';
import { defineIntegration, route } from '../../sdk/integration.js';
import { RelayStateChange } from './relay-state-change.handler.js';

/** A deployment's configuration (validated when the deployment is created). */
export class RelayConfig {
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  url: string;

  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(30_000)
  timeoutMs?: number;
}

/** A deployment's credentials (encrypted at rest, handed to the handler decrypted, never returned). */
export class RelayCredentials {
  @IsString()
  @IsNotEmpty()
  token: string;
}

/** The docs example (docs/integrations.md): package state changes relayed to a tenant's own HTTP endpoint. */
export const webhookRelayIntegration = defineIntegration({
  name: 'webhook-relay',
  description: "Relays package state changes to the tenant's HTTP endpoint",
  config: RelayConfig,
  credentials: RelayCredentials,
  routes: [
    route({
      method: 'relay-state-change',
      topic: Topics.packageStateChanged,
      handler: RelayStateChange,
      runs: 'per-action',
      retry: { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000 },
      timeoutMs: 20_000,
      description: 'POST each package state change to the configured URL',
    }),
  ],
});

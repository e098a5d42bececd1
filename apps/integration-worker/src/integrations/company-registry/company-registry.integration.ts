import { IsInt, IsOptional, IsUrl, Matches, Max, Min } from 'class-validator';
import { dataRoute } from '../../sdk/data-route.js';
import { defineIntegration } from '../../sdk/integration.js';
import { FetchCompanyProfile } from './fetch-company-profile.handler.js';

export class RegistryConfig {
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  baseUrl: string;

  @Matches(/^\d{8}$/, { message: 'companyId must be an 8-digit company number (IČO)' })
  companyId: string;

  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(30_000)
  timeoutMs?: number;
}

export const companyRegistryIntegration = defineIntegration({
  name: 'company-registry',
  description: "A cached view of a company's entry in a business register (ARES-style API)",
  config: RegistryConfig,
  routes: [],
  data: [
    dataRoute({
      method: 'company-profile',
      handler: FetchCompanyProfile,
      validForSeconds: 86_400,
      timeoutMs: 5_000,
      description: "The company's name, VAT id, legal form and address, served from the cache for a day when the register is down",
    }),
  ],
});

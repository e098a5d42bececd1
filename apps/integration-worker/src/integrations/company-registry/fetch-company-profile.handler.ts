import { Injectable } from '@nestjs/common';
import { NonRetryable } from '@tributary/messaging';
import type { DataContext, DataHandler } from '../../sdk/data-route.js';
import type { RegistryConfig } from './company-registry.integration.js';

/** What the registry answers (ARES-style `ekonomicke-subjekty/{ico}`), as far as the profile needs it. */
interface RegistryEntry {
  ico?: string;
  obchodniJmeno?: string;
  dic?: string;
  pravniForma?: string;
  datumAktualizace?: string;
  sidlo?: { textovaAdresa?: string; kodStatu?: string };
}

/** The document the action serves: the registry's entry in the platform's words. */
export interface CompanyProfile {
  companyId: string;
  name: string;
  vatId: string | null;
  legalForm: string | null;
  address: string | null;
  country: string | null;
  updatedOn: string | null;
}

@Injectable()
export class FetchCompanyProfile implements DataHandler<CompanyProfile, RegistryConfig> {
  async fetch(context: DataContext<RegistryConfig>): Promise<CompanyProfile> {
    const { config } = context.deployment;
    const answer = await context.http.request({
      url: `${config.baseUrl.replace(/\/$/, '')}/ekonomicke-subjekty/${config.companyId}`,
      timeoutMs: config.timeoutMs ?? 3_000,
      attempts: 1,
    });
    const entry = answer.body as RegistryEntry;
    if (!entry?.ico || !entry.obchodniJmeno) throw new NonRetryable('upstream_rejected', 'The registry answered without a company id and name');
    return {
      companyId: entry.ico,
      name: entry.obchodniJmeno,
      vatId: entry.dic ?? null,
      legalForm: entry.pravniForma ?? null,
      address: entry.sidlo?.textovaAdresa ?? null,
      country: entry.sidlo?.kodStatu ?? null,
      updatedOn: entry.datumAktualizace ?? null,
    };
  }
}

import { Injectable } from '@nestjs/common';
import { SecretBox } from '@tributary/tenancy';
import { DataSource } from 'typeorm';
import { secretAad, WebhookEntity } from './webhook.entity.js';

export interface ResolvedWebhook {
  readonly id: string;
  readonly tenantId: string;
  readonly topic: string;
  /** The decrypted `whsec_…` secret; kept in memory only. */
  readonly secret: string;
}

const TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

/**
 * Looks webhooks up for ingress, with their secret opened, and remembers the answer (found or not)
 * for a few seconds: under load most deliveries go to few webhooks, and a lookup plus a decryption
 * per delivery would be most of the work. A disabled or new webhook is seen within `TTL_MS`.
 */
@Injectable()
export class WebhookDirectory {
  private readonly cache = new Map<string, { webhook: ResolvedWebhook | null; until: number }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly secrets: SecretBox,
  ) {}

  async find(id: string): Promise<ResolvedWebhook | null> {
    const now = Date.now();
    const hit = this.cache.get(id);
    if (hit && hit.until > now) return hit.webhook;
    const row = await this.dataSource.getRepository(WebhookEntity).findOneBy({ id });
    const webhook =
      row && !row.disabledAt
        ? { id: row.id, tenantId: row.tenantId, topic: row.topic, secret: this.secrets.open(row.secretSealed, secretAad(row)) }
        : null;
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(id, { webhook, until: now + TTL_MS });
    return webhook;
  }
}

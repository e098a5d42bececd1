import { Global, Module } from '@nestjs/common';
import { WebhookDirectory } from '../webhooks/webhook-directory.js';
import { TenantTransactions } from './tenant-transactions.js';

/**
 * What every management feature shares: the tenant's transaction, and the ingress's webhook
 * directory (a change to a tenant, app or integration makes this instance forget what it cached).
 */
@Global()
@Module({ providers: [TenantTransactions, WebhookDirectory], exports: [TenantTransactions, WebhookDirectory] })
export class AccessModule {}

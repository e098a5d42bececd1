import { Module, type DynamicModule } from '@nestjs/common';
import { ApiKeyGuard } from './api-key.guard.js';
import { ApiKeys } from './api-keys.js';
import { SecretBox } from './secret-box.js';
import { Tenants } from './tenants.js';

export interface TenancyOptions {
  /** Base64 of 32 bytes; encrypts secrets at rest. Apps that keep no secrets leave it out. */
  readonly encryptionKey?: string;
}

@Module({})
export class TenancyModule {
  static forRoot(options: TenancyOptions): DynamicModule {
    return {
      module: TenancyModule,
      global: true,
      providers: [
        ApiKeys,
        { provide: Tenants, inject: [ApiKeys], useFactory: (keys: ApiKeys) => new Tenants(keys) },
        ...(options.encryptionKey ? [{ provide: SecretBox, useValue: new SecretBox(options.encryptionKey) }] : []),
        ApiKeyGuard,
      ],
      exports: [ApiKeys, Tenants, ApiKeyGuard, ...(options.encryptionKey ? [SecretBox] : [])],
    };
  }
}

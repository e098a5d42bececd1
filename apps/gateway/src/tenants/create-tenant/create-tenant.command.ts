import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tributary/tenancy';

export interface TenantCreated {
  readonly id: string;
  readonly name: string;
  readonly apiKey: string;
}

export class CreateTenant extends Command<TenantCreated> {
  constructor(
    readonly caller: Principal,
    readonly name: string,
  ) {
    super();
  }
}

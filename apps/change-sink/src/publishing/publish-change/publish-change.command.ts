import { Command } from '@nestjs/cqrs';

export interface Published {
  /** How many connected clients (of this replica) it was sent to. */
  readonly sentTo: number;
}

/**
 * Publishes a change that no table holds (esink's publish), within one tenant: over the API the body names it
 * (`tenantId`, required with TENANT_COLUMN; the operator's own otherwise), from a socket.io client its own.
 */
export class PublishChange extends Command<Published> {
  private constructor(
    /** The body as received: validated by the handler (a socket.io message has not passed the HTTP edge). */
    readonly input: unknown,
    readonly tenant: { readonly from: 'body' } | { readonly from: 'client'; readonly tenantId: string | null },
  ) {
    super();
  }

  /** POST /publish (the security token already checked). */
  static fromApi(input: unknown): PublishChange {
    return new PublishChange(input, { from: 'body' });
  }

  /** socket.io `publish` (ALLOW_REPUBLISHING), in the client's own tenant. */
  static fromClient(input: unknown, tenantId: string | null): PublishChange {
    return new PublishChange(input, { from: 'client', tenantId });
  }
}

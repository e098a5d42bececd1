import type { ArgumentsHost } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Nest's default RPC filter turns every error into `{ status, message }`, losing its code. A
 * message handler's error must reach the transport as thrown, which decides between retry and
 * dead letter from it. Exception filters call this for the `rpc` context.
 */
export function rethrowToTransport(error: unknown, host: ArgumentsHost): Observable<never> | undefined {
  return host.getType() === 'rpc' ? throwError(() => error) : undefined;
}

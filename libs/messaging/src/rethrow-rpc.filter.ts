import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Nest's default RPC filter turns every error into `{ status, message }`, losing its code. Ours hands
 * the original error back to the transport, which decides between retry and dead letter from it.
 */
@Catch()
export class RethrowRpcFilter implements RpcExceptionFilter {
  catch(error: unknown): Observable<never> {
    return throwError(() => error);
  }
}

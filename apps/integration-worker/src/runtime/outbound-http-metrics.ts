import { Injectable, Optional } from '@nestjs/common';
import { Metrics } from '@tributary/observability';
import { Counter } from 'prom-client';

/** What became of one outbound HTTP attempt: the answer's status class, or why there was none. */
export type OutboundAttemptOutcome = '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'timeout' | 'error';

/** `tributary_outbound_http_attempts_total{outcome}`: every attempt the handlers' `context.http` makes (retries each count). */
@Injectable()
export class OutboundHttpMetrics {
  private readonly attempts: Counter<'outcome'>;

  /** Without the MetricsModule (a test module of the runtime alone) the counter counts for no registry. */
  constructor(@Optional() metrics?: Metrics) {
    this.attempts = new Counter({
      name: 'tributary_outbound_http_attempts_total',
      help: "Outbound HTTP attempts of the integration handlers, by the answer's status class (1xx…5xx), timeout or error (no answer)",
      labelNames: ['outcome'],
      registers: metrics ? [metrics.registry] : [],
    });
  }

  /** For OutboundHttpOptions.onAttempt. */
  readonly attempt = (outcome: OutboundAttemptOutcome): void => {
    this.attempts.inc({ outcome });
  };
}

/** The status class of an HTTP status (`503` → `5xx`). */
export function statusClassOf(status: number): OutboundAttemptOutcome {
  const digit = Math.floor(status / 100);
  return digit >= 1 && digit <= 5 ? (`${digit}xx` as OutboundAttemptOutcome) : 'error';
}

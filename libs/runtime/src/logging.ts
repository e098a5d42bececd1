import type { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import type { DestinationStream } from 'pino';

/** Headers whose values never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["webhook-signature"]',
  'req.headers["x-hub-signature-256"]',
  'req.headers["stripe-signature"]',
  'req.query.token',
];

/**
 * Structured JSON logs (pino) carrying the app name and, for HTTP work, the trace id. `destination`
 * defaults to stdout; tests pass a stream to read what was logged.
 */
export function loggingModule(app: string, level: string, destination?: DestinationStream): DynamicModule {
  const options = {
    level,
    base: { app },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    genReqId: (req: IncomingMessage) => (req as IncomingMessage & { traceId?: string }).traceId ?? '',
    customProps: (req: IncomingMessage) => ({ traceId: (req as IncomingMessage & { traceId?: string }).traceId }),
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health/live' || req.url === '/health/ready' },
    quietReqLogger: true,
  };
  return LoggerModule.forRoot({ pinoHttp: destination ? [options, destination] : options });
}

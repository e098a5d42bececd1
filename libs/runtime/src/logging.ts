import type { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';

/** Headers whose values never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["webhook-signature"]',
  'req.headers["x-hub-signature-256"]',
  'req.headers["stripe-signature"]',
  'req.query.token',
];

/** Structured JSON logs (pino) carrying the app name and, for HTTP work, the trace id. */
export function loggingModule(app: string, level: string): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      level,
      base: { app },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      genReqId: (req: IncomingMessage) => (req as IncomingMessage & { traceId?: string }).traceId ?? '',
      customProps: (req: IncomingMessage) => ({ traceId: (req as IncomingMessage & { traceId?: string }).traceId }),
      autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health/live' || req.url === '/health/ready' },
      quietReqLogger: true,
    },
  });
}

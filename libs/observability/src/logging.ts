import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  Global,
  Inject,
  Injectable,
  Module,
  RequestMethod,
  type DynamicModule,
  type LoggerService,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { pino, type DestinationStream, type Logger as Pino } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import { activeTraceparent } from '@tributary/messaging';

/**
 * Capability tokens that travel in request paths (the worker's settle route, `POST /v1/settlements/{token}`,
 * takes a settlement token `stl_…`, kept only hashed): masked in the access log's URL and route params.
 */
const PATH_TOKEN = /\bstl_[A-Za-z0-9_-]+/g;
export const withoutPathTokens = (value: unknown): unknown =>
  typeof value === 'string' ? value.replace(PATH_TOKEN, 'stl_[redacted]') : Array.isArray(value) ? value.map(withoutPathTokens) : value;

/** The access log's request as pino-http serializes it, without path tokens (see `PATH_TOKEN`). */
function requestWithoutPathTokens(req: { url?: string; params?: Record<string, unknown> }): unknown {
  const params = req.params && Object.fromEntries(Object.entries(req.params).map(([name, value]) => [name, withoutPathTokens(value)]));
  return { ...req, url: withoutPathTokens(req.url), ...(params ? { params } : {}) };
}

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
 * Which app the running code belongs to, and inside an HTTP request that request's logger (it carries
 * the trace id). Nest's `Logger` (what `new Logger(context)` and Nest itself log through) is one
 * static logger per process, and so was nestjs-pino's root logger: in the standalone process the four
 * apps share them, and every line was labelled with one app. The scope is what tells them apart.
 */
interface LogScope {
  readonly app: string;
  readonly logger?: Pino;
}

const scope = new AsyncLocalStorage<LogScope>();
/** Each app's root logger by name, for code that runs in an app's scope outside a request. */
const roots = new Map<string, Pino>();

/**
 * Runs `fn` (and everything it starts: timers, listening sockets, consumer loops) as app `app`, so
 * that its log lines carry that app. Only a process that hosts several apps (the standalone runner)
 * needs it: alone in its process, an app's lines carry its name anyway.
 */
export function runAsApp<T>(app: string, fn: () => T): T {
  return scope.run({ app }, fn);
}

/** The app the running code belongs to (see `runAsApp`), if any: lets a test tell the standalone's apps apart. */
export function currentApp(): string | undefined {
  return scope.getStore()?.app;
}

// A new object each line: pino's default merge assigns the line's fields INTO what the mixin returns,
// so a shared object would gather every field ever logged (a request's body included) into every line.
function spanOfLine(): object {
  const traceparent = activeTraceparent();
  return traceparent ? { spanId: traceparent.slice(36, 52) } : {};
}

const APP_LOG = Symbol('AppLog');

interface AppLog {
  readonly app: string;
  readonly root: Pino;
  readonly http: HttpLogger;
}

function createAppLog(app: string, level: string, destination?: DestinationStream): AppLog {
  const options = {
    level,
    base: { app },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // Tracing on: the active span, whose trace is the line's traceId (the request's or the message's).
    mixin: spanOfLine,
  };
  const root = destination ? pino(options, destination) : pino(options);
  const traceIdOf = (req: IncomingMessage) => (req as IncomingMessage & { traceId?: string }).traceId;
  const http = pinoHttp({
    logger: root,
    genReqId: (req: IncomingMessage) => traceIdOf(req) ?? '',
    customProps: (req: IncomingMessage) => ({ traceId: traceIdOf(req) }),
    autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health/live' || req.url === '/health/ready' },
    quietReqLogger: true,
    serializers: { req: requestWithoutPathTokens },
  });
  roots.set(app, root);
  return { app, root, http };
}

/**
 * The Nest `LoggerService` of one app (`app.useLogger(app.get(AppLogger))`): writes through the
 * logger of the app whose code is running — this request's, else the app of the current scope, else
 * this app's own.
 */
@Injectable()
export class AppLogger implements LoggerService {
  constructor(@Inject(APP_LOG) private readonly own: AppLog) {}

  private get pino(): Pino {
    const current = scope.getStore();
    if (!current) return this.own.root;
    return current.logger ?? roots.get(current.app) ?? this.own.root;
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.call('trace', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.call('debug', message, params);
  }
  log(message: unknown, ...params: unknown[]): void {
    this.call('info', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.call('warn', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.call('error', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.call('fatal', message, params);
  }

  /** Nest's contract: the last parameter is the context; `error(message, stack, context)` carries a stack. */
  private call(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal', message: unknown, params: unknown[]): void {
    const fields: Record<string, unknown> = {};
    const rest = params.length > 0 ? params.slice(0, -1) : [];
    if (params.length > 0) fields.context = params[params.length - 1];
    const logger = this.pino;
    // `logger.error({ err, table }, 'routing a change failed')`: the fields, then the message (nestjs-pino's contract).
    const [text, ...args] = rest.map(String);
    if (message instanceof Error) return logger[level]({ ...fields, err: message }, text, ...args);
    if (typeof message === 'object' && message !== null) return logger[level]({ ...fields, ...message }, text, ...args);
    if (level === 'error' && rest.length === 1 && typeof rest[0] === 'string' && /\n\s+at /.test(rest[0])) {
      const err = new Error(String(message));
      err.stack = rest[0];
      return logger[level]({ ...fields, err });
    }
    logger[level](fields, String(message), ...rest);
  }
}

@Global()
@Module({})
class LoggingModule implements NestModule {
  constructor(@Inject(APP_LOG) private readonly log: AppLog) {}

  configure(consumer: MiddlewareConsumer): void {
    const { app, http } = this.log;
    const middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => {
      http(req, res);
      scope.run({ app, logger: (req as IncomingMessage & { log: Pino }).log }, next);
    };
    consumer.apply(middleware).forRoutes({ path: '{/*splat}', method: RequestMethod.ALL });
  }
}

/**
 * Structured JSON logs (pino) carrying the app name and, for HTTP work, the trace id. `destination`
 * defaults to stdout; tests pass a stream to read what was logged. Each app gets its own logger.
 */
export function loggingModule(app: string, level: string, destination?: DestinationStream): DynamicModule {
  const provider = { provide: APP_LOG, useFactory: () => createAppLog(app, level, destination) };
  return { module: LoggingModule, providers: [provider, AppLogger], exports: [AppLogger] };
}

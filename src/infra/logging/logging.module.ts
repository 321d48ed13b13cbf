import type { IncomingMessage, ServerResponse } from 'node:http';
import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import type { LoggerOptions } from 'pino';
import { APP_CONFIG, AppConfig } from '../config/config';
import { currentRequestId } from '../../common/request-context/request-context';
import { traceLogFields } from '../tracing/trace-context';
import { chooseLogFormat, transportFor } from './log-format';
import { trackCompletion } from './request-log';

/**
 * The one root logger's options: every line of a request gets its `requestId` from the request
 * context, and with tracing on every line inside a span its `traceId` and `spanId`.
 */
export function rootLoggerOptions(
  config: Pick<AppConfig, 'LOG_LEVEL' | 'LOG_FORMAT' | 'NODE_ENV'>,
): LoggerOptions {
  return {
    level: config.LOG_LEVEL,
    transport: transportFor(
      chooseLogFormat({
        setting: config.LOG_FORMAT,
        nodeEnv: config.NODE_ENV,
        stdoutIsTty: process.stdout.isTTY === true,
      }),
    ),
    // With tracing on, every line written inside a span (a request, a job) names its trace (docs/adr/0064).
    mixin: () => {
      const requestId = currentRequestId();
      const fields = traceLogFields();
      return requestId ? { requestId, ...fields } : fields;
    },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        'res.headers["set-cookie"]',
      ],
      censor: '[redacted]',
    },
  };
}

/**
 * Structured JSON logs (pino). Every line written while a request is handled carries its
 * `requestId` (from the one AsyncLocalStorage of src/common/request-context); credentials are
 * redacted. In development on a terminal the same lines are shown readable through pino-pretty
 * (LOG_FORMAT, docs/adr/0042).
 *
 * One root logger, no child logger and no second async context per request (docs/adr/0056):
 * nestjs-pino only provides the `Logger` Nest logs through (its per-request middleware is not
 * installed), and `trackCompletion` writes one completion line per request when its response closes.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        pinoHttp: rootLoggerOptions(config),
        // No pino-http middleware and no nestjs-pino request store: nothing to apply it to.
        useExisting: true,
        forRoutes: [],
      }),
    }),
  ],
})
export class LoggingModule implements NestModule {
  constructor(private readonly logger: PinoLogger) {}

  configure(consumer: MiddlewareConsumer): void {
    const root = this.logger;
    consumer
      .apply((req: IncomingMessage, res: ServerResponse, next: () => void) => {
        trackCompletion(req, res, root.logger);
        next();
      })
      // Nest 11's path syntax: the default `*` is converted with a LegacyRouteConverter warning at every boot.
      .forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}

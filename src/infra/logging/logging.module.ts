import { IncomingMessage } from 'node:http';
import { Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG, AppConfig } from '../config/config';
import { currentRequestId } from '../../common/request-context/request-context';
import { chooseLogFormat, transportFor } from './log-format';

/**
 * Structured JSON logs (pino). Every line written while a request is handled carries its
 * `requestId`; credentials are redacted. In development on a terminal the same lines are shown
 * readable through pino-pretty (LOG_FORMAT, docs/adr/0042).
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        // Nest 11's path syntax: the default `*` is converted with a LegacyRouteConverter warning at every boot.
        forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
        pinoHttp: {
          level: config.LOG_LEVEL,
          transport: transportFor(
            chooseLogFormat({
              setting: config.LOG_FORMAT,
              nodeEnv: config.NODE_ENV,
              stdoutIsTty: process.stdout.isTTY === true,
            }),
          ),
          genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id: string }).id,
          customAttributeKeys: { reqId: 'requestId' },
          mixin: () => {
            const requestId = currentRequestId();
            return requestId ? { requestId } : {};
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
          autoLogging: { ignore: (req: IncomingMessage) => (req.url ?? '').startsWith('/health') },
          serializers: {
            req: (req: { id: string; method: string; url: string }) => ({
              id: req.id,
              method: req.method,
              url: req.url,
            }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
        },
      }),
    }),
  ],
})
export class LoggingModule {}

import type { IncomingMessage } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { requestIdFrom } from '../../common/request-context/request-context';
import { answerClientError } from './client-error';
import { installCompression } from './compression';
import { installLiveness } from './liveness';
import { answerFrameworkError } from './request-pipeline';

/** The part of the configuration the platform is created with. */
export interface HttpAdapterOptions {
  /** TRUST_PROXY: take the client address and protocol from X-Forwarded-For/-Proto. */
  TRUST_PROXY?: boolean;
}

/**
 * The HTTP platform under Nest, in one place: main.ts, the OpenAPI CLI, the e2e tests and the
 * bench all create their application with it, so the platform is chosen once. Fastify since ADR
 * 0050, configured to answer as the Express platform did before it:
 * - the request id is the caller's safe X-Request-Id or a new UUID (`request.id`, echoed by the
 *   request pipeline);
 * - query strings are parsed by node:querystring, as Express 5's default ("simple") parser did:
 *   `status=a&status=b` is an array, `a[b]=1` is the key `a[b]`;
 * - routes match case-insensitively and with or without a trailing slash, as Express's did, and
 *   path parameters are not cut off at 100 characters (Express had no such limit);
 * - requests Node's parser refuses, and URLs the router cannot decode, are answered problem+json;
 * - answers are compressed where it pays (compression.ts);
 * - liveness is answered by the platform (liveness.ts).
 */
export function createHttpAdapter(options: HttpAdapterOptions = {}): FastifyAdapter {
  const adapter = new FastifyAdapter({
    trustProxy: options.TRUST_PROXY === true,
    genReqId: (req: IncomingMessage) => requestIdFrom(req.headers['x-request-id']),
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    routerOptions: {
      querystringParser: (query: string) => parseQueryString(query),
      caseSensitive: false,
      ignoreTrailingSlash: true,
      maxParamLength: 16_384,
    },
  });
  // Here, not in configureApp: the plugin must be loaded before Nest adds its routes, and Nest
  // loads the plugins queued so far when it registers @fastify/middie, while creating the app.
  installCompression(adapter.getInstance());
  installLiveness(adapter.getInstance());
  return adapter;
}

import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Inject, Injectable } from '@nestjs/common';
import { useAgent } from 'request-filtering-agent';
import { InjectConfig } from '../../../infra/config/config';
import type { AppConfig } from '../../../infra/config/config';
import {
  AllowList,
  isUrlProblem,
  parseWebhookUrl,
  ResolvedTarget,
  WEBHOOK_RESOLVER,
  resolveTarget,
} from './url-policy';
import type { Resolver } from './url-policy';

/** At most this much of an answer's body is kept (the attempt's `responseSnippet`). */
export const SNIPPET_BYTES = 1024;
/** Reading stops after this much of a body; the rest is not waited for. */
const READ_LIMIT_BYTES = 64 * 1024;

export interface SendResult {
  /** The receiver's status; null when no answer came. */
  statusCode: number | null;
  latencyMs: number;
  responseSnippet: string | null;
  /** Why it failed without an answer, or a note on one (redirects are not followed). */
  error: string | null;
  /** The raw Retry-After header of the answer, if any. */
  retryAfter: string | undefined;
}

export function isSuccess(result: SendResult): boolean {
  return result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
}

/** The first SNIPPET_BYTES of a body as text, without a character cut in half. */
export function snippetOf(body: Buffer): string | null {
  if (!body.length) return null;
  return body
    .subarray(0, SNIPPET_BYTES)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
}

/**
 * Posts one attempt (docs/adr/0030). The URL is checked again now (DNS rebinding): the host is
 * resolved, every address must pass the policy, and the connection is pinned to those addresses
 * through a request-filtering-agent agent, which refuses any non-public address the allow-list does
 * not name. Redirects are never followed (node's http does not follow them). Never throws: every
 * failure is a result.
 */
@Injectable()
export class WebhookSender {
  private readonly allowList: AllowList;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    @Inject(WEBHOOK_RESOLVER) private readonly resolver: Resolver,
  ) {
    this.allowList = new AllowList(config.WEBHOOK_ALLOWED_HOSTS);
  }

  async send(url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const refused = (message: string): SendResult => ({
      statusCode: null,
      latencyMs: elapsed(),
      responseSnippet: null,
      error: `refused: ${message}`,
      retryAfter: undefined,
    });
    const parsed = parseWebhookUrl(url, this.config.WEBHOOK_ALLOW_HTTP);
    if (isUrlProblem(parsed)) return refused(parsed.message);
    const target = await resolveTarget(parsed.hostname, this.allowList, this.resolver);
    if (isUrlProblem(target)) return refused(target.message);
    return this.post(parsed.url, parsed.hostname, target, headers, body, started);
  }

  /**
   * One POST to the checked addresses: settles once, on the answer (read up to READ_LIMIT_BYTES),
   * on a connection failure or on the timeout, and always tears the socket and the agent down.
   */
  private post(
    url: URL,
    hostname: string,
    target: ResolvedTarget,
    headers: Record<string, string>,
    body: string,
    started: number,
  ): Promise<SendResult> {
    const agent = this.agentFor(url, target);
    const lookup = pinnedLookup(hostname, target);
    const timeoutMs = this.config.WEBHOOK_TIMEOUT_MS;
    return new Promise<SendResult>((resolve) => {
      let request: http.ClientRequest | undefined;
      const finish = once((answer: Answer) => {
        clearTimeout(timer);
        request?.destroy();
        agent.destroy();
        resolve({ ...answer, latencyMs: Math.round(performance.now() - started) });
      });
      const timer = setTimeout(() => finish(timedOut(timeoutMs)), timeoutMs);
      try {
        request = openRequest(url, hostname, agent, lookup, headers, body);
      } catch (error) {
        finish(connectionFailure(error as Error));
        return;
      }
      request.on('error', (error) => finish(connectionFailure(error)));
      request.on('response', (response) => readAnswer(response, finish));
      request.end(body);
    });
  }

  /** An agent that refuses any non-public address the allow-list does not name. */
  private agentFor(url: URL, target: ResolvedTarget): http.Agent {
    return useAgent(url.href, {
      keepAlive: false,
      // Addresses the policy let through although not public: only those the allow-list names.
      allowIPAddressList: target.addresses
        .map((a) => a.address)
        .filter((a) => this.allowList.allowsAddress(a)),
      allowPrivateIPAddress: target.trustedHost,
    });
  }
}

/** A result before its latency is measured. */
type Answer = Omit<SendResult, 'latencyMs'>;

/** `fn`, called at most once. */
function once<T>(fn: (value: T) => void): (value: T) => void {
  let called = false;
  return (value) => {
    if (called) return;
    called = true;
    fn(value);
  };
}

/** Connect to the addresses just checked, not to a second DNS answer (rebinding). */
function pinnedLookup(hostname: string, target: ResolvedTarget): LookupFunction | undefined {
  if (target.trustedHost || isIP(hostname)) return undefined;
  const pinned = target.addresses;
  return (_host, options, callback) => {
    if (options.all) callback(null, pinned);
    else callback(null, pinned[0].address, pinned[0].family);
  };
}

function openRequest(
  url: URL,
  hostname: string,
  agent: http.Agent,
  lookup: LookupFunction | undefined,
  headers: Record<string, string>,
  body: string,
): http.ClientRequest {
  const client = url.protocol === 'https:' ? https : http;
  return client.request({
    protocol: url.protocol,
    hostname,
    port: url.port || undefined,
    path: `${url.pathname}${url.search}`,
    method: 'POST',
    agent,
    lookup,
    headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
  });
}

function timedOut(timeoutMs: number): Answer {
  return {
    statusCode: null,
    responseSnippet: null,
    error: `timed out after ${timeoutMs} ms`,
    retryAfter: undefined,
  };
}

function connectionFailure(error: Error): Answer {
  const code = (error as NodeJS.ErrnoException).code;
  const refused = /is not allowed/.test(error.message);
  return {
    statusCode: null,
    responseSnippet: null,
    error: refused
      ? `refused: ${error.message}`
      : `connection failed: ${code ? `${code} ` : ''}${error.message}`.trim(),
    retryAfter: undefined,
  };
}

/** Reads the answer's body up to READ_LIMIT_BYTES; a redirect is an answer, not followed. */
function readAnswer(response: http.IncomingMessage, finish: (answer: Answer) => void): void {
  const statusCode = response.statusCode ?? 0;
  const chunks: Buffer[] = [];
  let size = 0;
  const done = () => {
    const redirect = statusCode >= 300 && statusCode < 400;
    finish({
      statusCode,
      responseSnippet: snippetOf(Buffer.concat(chunks)),
      error: redirect ? `redirect (${statusCode}) not followed: only 2xx counts as delivered` : null,
      retryAfter: response.headers['retry-after'],
    });
  };
  response.on('data', (chunk: Buffer) => {
    if (size < READ_LIMIT_BYTES) chunks.push(chunk);
    size += chunk.length;
    if (size >= READ_LIMIT_BYTES) done();
  });
  response.on('end', done);
  response.on('error', done);
  response.on('aborted', done);
}

import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import type { AppConfig } from '../../../infra/config/config';
import { isSuccess, SNIPPET_BYTES, WebhookSender } from './webhook-sender';
import { Resolver } from './url-policy';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

describe('WebhookSender', () => {
  let server: Server;
  let port: number;
  const seen: Array<{ path: string; headers: IncomingMessage['headers']; body: string }> = [];
  let handler: Handler = (_req, res) => res.end('ok');

  const sender = (config: Partial<AppConfig> = {}, resolver: Resolver = async () => []) =>
    new WebhookSender(
      {
        WEBHOOK_ALLOW_HTTP: true,
        WEBHOOK_ALLOWED_HOSTS: ['127.0.0.1'],
        WEBHOOK_TIMEOUT_MS: 2_000,
        ...config,
      } as AppConfig,
      resolver,
    );

  beforeAll(async () => {
    server = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => {
        seen.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(parts).toString() });
        handler(req, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    seen.length = 0;
    handler = (_req, res) => res.end('ok');
  });

  it('posts the body with the headers to an allowed address and reads the answer', async () => {
    handler = (_req, res) => res.writeHead(204).end();
    const result = await sender().send(`http://127.0.0.1:${port}/in?x=1`, { 'webhook-id': 'm1' }, '{"a":1}');
    expect(result).toMatchObject({ statusCode: 204, error: null, responseSnippet: null });
    expect(isSuccess(result)).toBe(true);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(seen).toEqual([
      expect.objectContaining({
        path: '/in?x=1',
        body: '{"a":1}',
        headers: expect.objectContaining({ 'webhook-id': 'm1', 'content-length': '7' }),
      }),
    ]);
  });

  it('refuses a loopback address the allow-list does not name, before connecting', async () => {
    const result = await sender({ WEBHOOK_ALLOWED_HOSTS: [] }).send(`http://127.0.0.1:${port}/`, {}, '{}');
    expect(result).toMatchObject({ statusCode: null, error: expect.stringMatching(/^refused: .*loopback/) });
    expect(isSuccess(result)).toBe(false);
    expect(seen).toEqual([]);
  });

  it('checks the name again at delivery: a name now resolving to a private address is refused', async () => {
    const rebinding: Resolver = async () => [{ address: '10.0.0.8', family: 4 }];
    const result = await sender({}, rebinding).send(`http://hooks.example:${port}/`, {}, '{}');
    expect(result.error).toMatch(/^refused: address 10\.0\.0\.8 \(hooks\.example resolves to it\)/);
  });

  it('connects to the checked addresses only, and request-filtering-agent refuses a private one itself', async () => {
    const pinned: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
    const ok = await sender({}, pinned).send(`http://portal.example:${port}/pinned`, {}, '{}');
    expect(ok.statusCode).toBe(200);
    expect(seen.map((s) => s.path)).toEqual(['/pinned']);
    // The agent is the second line: given a target the policy would refuse, it refuses too.
    const bare = sender({ WEBHOOK_ALLOWED_HOSTS: [] });
    const post = (bare as unknown as { post: (...args: unknown[]) => Promise<unknown> }).post.bind(bare);
    const target = { addresses: [{ address: '127.0.0.1', family: 4 }], trustedHost: false };
    const viaName = await post(
      new URL(`http://portal.example:${port}/`),
      'portal.example',
      target,
      {},
      '{}',
      0,
    );
    expect(viaName).toMatchObject({
      statusCode: null,
      error: expect.stringMatching(/^refused: DNS lookup 127\.0\.0\.1/),
    });
    const literal = await post(new URL(`http://127.0.0.1:${port}/`), '127.0.0.1', target, {}, '{}', 0);
    expect(literal).toMatchObject({
      statusCode: null,
      error: expect.stringMatching(/^refused: .*not allowed/),
    });
    expect(seen.map((s) => s.path)).toEqual(['/pinned']);
  });

  it('does not follow a redirect: a 3xx is a failure and the Location is never requested', async () => {
    handler = (_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${port}/elsewhere` }).end();
    const result = await sender().send(`http://127.0.0.1:${port}/moved`, {}, '{}');
    expect(result).toMatchObject({ statusCode: 302, error: expect.stringContaining('not followed') });
    expect(isSuccess(result)).toBe(false);
    expect(seen.map((s) => s.path)).toEqual(['/moved']);
  });

  it('keeps at most 1 KB of the answer and passes Retry-After on', async () => {
    handler = (_req, res) => res.writeHead(429, { 'retry-after': '120' }).end('错'.repeat(2000));
    const result = await sender().send(`http://127.0.0.1:${port}/`, {}, '{}');
    expect(result.statusCode).toBe(429);
    expect(result.retryAfter).toBe('120');
    expect(Buffer.byteLength(result.responseSnippet ?? '')).toBeLessThanOrEqual(SNIPPET_BYTES);
    expect(result.responseSnippet).toBe('错'.repeat(341));
  });

  it('gives up after the timeout', async () => {
    handler = () => undefined; // never answers
    const result = await sender({ WEBHOOK_TIMEOUT_MS: 200 }).send(`http://127.0.0.1:${port}/slow`, {}, '{}');
    expect(result).toMatchObject({ statusCode: null, error: 'timed out after 200 ms' });
    expect(result.latencyMs).toBeGreaterThanOrEqual(190);
  });

  it('records a connection error as a failure', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const unused = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await sender().send(`http://127.0.0.1:${unused}/`, {}, '{}');
    expect(result).toMatchObject({ statusCode: null, error: expect.stringContaining('ECONNREFUSED') });
  });

  it('refuses http when only https is allowed', async () => {
    const result = await sender({ WEBHOOK_ALLOW_HTTP: false }).send(`http://127.0.0.1:${port}/`, {}, '{}');
    expect(result.error).toBe('refused: url must be https');
  });
});

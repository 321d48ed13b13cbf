import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { runWithRequestContext } from '../../common/request-context/request-context';
import { CompletionSink, noteRouteTemplate, SLOW_REQUEST_MS, trackCompletion } from './request-log';

interface Written {
  level: 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string;
}

function sink(levelEnabled = true): CompletionSink & { lines: Written[]; closed: Promise<void> } {
  const lines: Written[] = [];
  let signal: () => void = () => undefined;
  const at = (level: Written['level']) => (obj: object, msg: string) => {
    lines.push({ level, obj: obj as Record<string, unknown>, msg });
    signal();
  };
  return {
    lines,
    get closed() {
      return new Promise<void>((resolve) => (signal = resolve));
    },
    isLevelEnabled: () => levelEnabled,
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
}

/** A plain Node server whose handler is `handle`, and a way to send it one request. */
async function serve(
  handle: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ server: Server; get(path: string): Promise<number> }> {
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    get: async (path) => (await fetch(`http://127.0.0.1:${port}${path}`)).status,
  };
}

describe('trackCompletion: one line per request when its response closes', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  it('writes a short info line for a normal answer, with the request id of the request context', async () => {
    const log = sink();
    const s = await serve((req, res) =>
      runWithRequestContext({ requestId: 'req-1' }, () => {
        trackCompletion(req, res, log);
        res.statusCode = 201;
        res.end('{}');
      }),
    );
    server = s.server;
    const closed = log.closed;
    expect(await s.get('/api/v1/things?x=1')).toBe(201);
    await closed;
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatchObject({
      level: 'info',
      msg: 'request completed',
      obj: {
        requestId: 'req-1',
        req: { id: 'req-1', method: 'GET', url: '/api/v1/things?x=1' },
        res: { statusCode: 201 },
      },
    });
    expect(log.lines[0].obj.route).toBeUndefined();
    expect(typeof log.lines[0].obj.responseTime).toBe('number');
  });

  it('writes an error in full: route template, client address, user agent, length', async () => {
    const log = sink();
    const s = await serve((req, res) => {
      (req as IncomingMessage & { id: string }).id = 'req-2';
      noteRouteTemplate(req, '/api/v1/things/:id');
      trackCompletion(req, res, log);
      res.statusCode = 500;
      res.setHeader('Content-Length', '2');
      res.end('{}');
    });
    server = s.server;
    const closed = log.closed;
    expect(await s.get('/api/v1/things/42')).toBe(500);
    await closed;
    expect(log.lines).toEqual([
      {
        level: 'error',
        msg: 'request completed',
        obj: expect.objectContaining({
          requestId: 'req-2',
          route: '/api/v1/things/:id',
          req: expect.objectContaining({
            id: 'req-2',
            method: 'GET',
            url: '/api/v1/things/42',
            remoteAddress: '127.0.0.1',
          }),
          res: { statusCode: 500, contentLength: '2' },
        }),
      },
    ]);
    expect(String((log.lines[0].obj.req as Record<string, unknown>).userAgent)).not.toBe('');
  });

  it('writes a slow request in full at warn, even a probe (the timing comes from the given clock)', async () => {
    const log = sink();
    let t = 0;
    const s = await serve((req, res) => {
      trackCompletion(req, res, log, () => t);
      t += SLOW_REQUEST_MS + 1;
      res.end('ok');
    });
    server = s.server;
    const closed = log.closed;
    expect(await s.get('/health/live')).toBe(200);
    await closed;
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatchObject({
      level: 'warn',
      obj: { slow: true, responseTime: SLOW_REQUEST_MS + 1, res: { statusCode: 200 } },
    });
  });

  it('writes nothing for a healthy probe, nor a normal answer below the level, and one line per response', async () => {
    const quiet = sink(false);
    const log = sink();
    let served = 0;
    const s = await serve((req, res) => {
      trackCompletion(req, res, req.url === '/api/v1/quiet' ? quiet : log);
      trackCompletion(req, res, log); // a second call on the same response adds nothing
      res.end('ok');
      served += 1;
    });
    server = s.server;
    expect(await s.get('/health/ready')).toBe(200);
    expect(await s.get('/api/v1/quiet')).toBe(200);
    const closed = log.closed;
    expect(await s.get('/api/v1/loud')).toBe(200);
    await closed;
    expect(served).toBe(3);
    expect(quiet.lines).toEqual([]);
    expect(log.lines.map((l) => l.obj.req)).toEqual([{ id: undefined, method: 'GET', url: '/api/v1/loud' }]);
  });

  it('says "request aborted" at warn when the client leaves before the answer', async () => {
    const log = sink();
    let entered: () => void = () => undefined;
    const handling = new Promise<void>((resolve) => (entered = resolve));
    const s = await serve((req, res) => {
      trackCompletion(req, res, log);
      entered(); // and never answers
    });
    server = s.server;
    const closed = log.closed;
    const controller = new AbortController();
    const pending = fetch(`http://127.0.0.1:${(s.server.address() as AddressInfo).port}/api/v1/slow`, {
      signal: controller.signal,
    }).catch(() => 'aborted');
    await handling;
    controller.abort();
    expect(await pending).toBe('aborted');
    await closed;
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatchObject({
      level: 'warn',
      msg: 'request aborted',
      obj: { req: { url: '/api/v1/slow' } },
    });
  });
});

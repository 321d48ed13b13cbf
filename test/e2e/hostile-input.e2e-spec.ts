import { AddressInfo, connect } from 'node:net';
import request from 'supertest';
import { createAdmin } from '../support/factories';
import {
  documentedOperations,
  exampleOf,
  ProbedOperation,
  schemaDepth,
  stringPaths,
  withString,
} from '../support/openapi-probe';
import { createTestApp, TestApp } from '../support/test-app';

/** The limit the service runs with in this file: the default of JSON_MAX_DEPTH. */
const MAX_DEPTH = 32;
const HOSTILE_DEPTH = 10_000;
const CONCURRENCY = 8;

interface Probe {
  name: string;
  method: ProbedOperation['method'];
  url: string;
  body?: string;
  /** The answer the pipeline must give: status and code. */
  expected: { status: number; code: string };
}

interface Outcome {
  probe: Probe;
  status: number;
  contentType: string;
  code?: string;
  field?: string;
}

const NUL = 'a\u0000b';

function urlOf(operation: ProbedOperation, values: Record<string, string> = {}, query = ''): string {
  const path = operation.path.replace(/\{(\w+)\}/g, (_match, name: string) =>
    encodeURIComponent(values[name] ?? operation.pathParams.find((p) => p.name === name)?.example ?? 'x'),
  );
  return query ? `${path}?${query}` : path;
}

/** Every probe of one operation: NUL in each path and query parameter, in each body string, deep bodies. */
function probesOf(operation: ProbedOperation): Probe[] {
  const label = `${operation.method.toUpperCase()} ${operation.path}`;
  const invalid = { status: 400, code: 'VALIDATION_FAILED' };
  const tooDeep = { status: 400, code: 'JSON_TOO_DEEP' };
  const probes: Probe[] = [];
  const validBody = operation.bodySchema ? JSON.stringify(exampleOf(operation.bodySchema)) : undefined;
  for (const { name } of operation.pathParams) {
    probes.push({
      name: `${label}: NUL in path parameter ${name}`,
      method: operation.method,
      url: urlOf(operation, { [name]: NUL }),
      body: validBody,
      expected: invalid,
    });
  }
  for (const name of operation.queryParams) {
    probes.push({
      name: `${label}: NUL in query parameter ${name}`,
      method: operation.method,
      url: urlOf(operation, {}, `${encodeURIComponent(name)}=${encodeURIComponent(NUL)}`),
      body: validBody,
      expected: invalid,
    });
  }
  if (!operation.bodySchema) return probes;
  const example = exampleOf(operation.bodySchema);
  const url = urlOf(operation);
  for (const path of stringPaths(example)) {
    probes.push({
      name: `${label}: NUL in body ${path.join('.')}`,
      method: operation.method,
      url,
      body: JSON.stringify(withString(example, path, (text) => `${text}\u0000`)),
      expected: invalid,
    });
  }
  const [firstString] = stringPaths(example);
  if (firstString) {
    probes.push({
      name: `${label}: unpaired surrogate in body ${firstString.join('.')}`,
      method: operation.method,
      url,
      body: JSON.stringify(withString(example, firstString, (text) => `${text}\ud800`)),
      expected: invalid,
    });
  }
  if (example && typeof example === 'object' && !Array.isArray(example) && Object.keys(example).length) {
    const [firstKey] = Object.keys(example);
    const renamed = Object.fromEntries(
      Object.entries(example).map(([key, value]) => [key === firstKey ? `${key}\u0000` : key, value]),
    );
    probes.push({
      name: `${label}: NUL in body field name ${firstKey}`,
      method: operation.method,
      url,
      body: JSON.stringify(renamed),
      expected: invalid,
    });
    // Deep inside a real field, not only at the top.
    const deep = JSON.stringify({ ...example, [firstKey]: '@DEEP@' }).replace(
      '"@DEEP@"',
      '{"a":'.repeat(HOSTILE_DEPTH) + '1' + '}'.repeat(HOSTILE_DEPTH),
    );
    probes.push({
      name: `${label}: ${firstKey} nested ${HOSTILE_DEPTH} deep`,
      method: operation.method,
      url,
      body: deep,
      expected: tooDeep,
    });
  }
  probes.push({
    name: `${label}: a body of arrays nested ${HOSTILE_DEPTH} deep`,
    method: operation.method,
    url,
    body: '['.repeat(HOSTILE_DEPTH) + ']'.repeat(HOSTILE_DEPTH),
    expected: tooDeep,
  });
  return probes;
}

/** Runs the thunks with at most `limit` in flight. */
async function pool<T>(items: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array<T>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await items[index]();
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

/** One HTTP/1.1 exchange over a raw socket, for what an HTTP client library will not send. */
function rawExchange(port: number, data: string | Buffer): Promise<{ head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      socket.destroy();
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      resolve({ head: text.slice(0, split), body: text.slice(split + 4) });
    });
    socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  });
}

describe('Hostile input (ADR 0034)', () => {
  let t: TestApp;
  let adminHeaders: Record<string, string>;
  let port: number;
  const operations = documentedOperations();

  beforeAll(async () => {
    // Rate limits out of the way: the probes are many, from one address.
    t = await createTestApp({
      env: {
        RATE_LIMIT_PER_MINUTE: '1000000',
        LOGIN_RATE_LIMIT_PER_MINUTE: '1000000',
        CORS_ORIGINS: 'https://portal.example.gov.cn',
      },
    });
    adminHeaders = (await createAdmin(t)).headers;
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => t.close());

  async function send(probe: Probe, headers: Record<string, string>): Promise<Outcome> {
    let call = request(t.app.getHttpServer())[probe.method](probe.url).set(headers);
    if (probe.body !== undefined) call = call.set('Content-Type', 'application/json').send(probe.body);
    const res = await call;
    const body = res.body as { code?: string; errors?: Array<{ field: string }> };
    return {
      probe,
      status: res.status,
      contentType: String(res.headers['content-type'] ?? ''),
      code: body?.code,
      field: body?.errors?.[0]?.field,
    };
  }

  it('reads a probe for every operation of the document', () => {
    expect(operations.length).toBeGreaterThan(100);
    expect(operations.filter((o) => o.bodySchema).length).toBeGreaterThan(40);
  });

  it('never nests a documented request body anywhere near JSON_MAX_DEPTH (8 is its floor)', () => {
    const tooDeep = operations
      .filter((o) => o.bodySchema && schemaDepth(o.bodySchema) > 8)
      .map((o) => o.operationId);
    expect(tooDeep).toEqual([]);
  });

  it.each([
    ['as an admin', true],
    ['without credentials', false],
  ])(
    'answers NUL in every path and query parameter and body string, and 10,000-deep bodies, %s: 400 problem+json, never 5xx',
    async (_label, authenticated) => {
      const headers = authenticated ? adminHeaders : {};
      const probes = operations.flatMap(probesOf);
      expect(probes.length).toBeGreaterThan(500);
      const outcomes = await pool(
        probes.map((probe) => () => send(probe, headers)),
        CONCURRENCY,
      );
      const wrong = outcomes
        .filter(
          (o) =>
            o.status !== o.probe.expected.status ||
            o.code !== o.probe.expected.code ||
            !o.contentType.startsWith('application/problem+json'),
        )
        .map((o) => `${o.probe.name} → ${o.status} ${o.code ?? o.contentType}`);
      expect(wrong).toEqual([]);
    },
  );

  it('names the field: a query parameter, the path, a nested body field', async () => {
    const query = await t.http
      .get('/api/v1/challenges?q=a%00b')
      .set('Origin', 'https://portal.example.gov.cn')
      .set('X-Request-Id', 'req-nul-1');
    expect(query.status).toBe(400);
    // Refused after CORS and helmet: a browser front end can read the answer.
    expect(query.headers['access-control-allow-origin']).toBe('https://portal.example.gov.cn');
    expect(query.headers['x-content-type-options']).toBe('nosniff');
    expect(query.headers['x-request-id']).toBe('req-nul-1');
    expect(query.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'q', message: 'q must not contain U+0000 (NUL)' }],
    });

    const path = await t.http.patch('/api/v1/industry-chains/%00').set(adminHeaders).send({ name: 'x' });
    expect(path.status).toBe(400);
    expect(path.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'path' }] });

    const broken = await t.http.get('/api/v1/challenges/%E0%A4%A');
    expect(broken.status).toBe(400);
    expect(broken.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(broken.body.errors).toEqual([
      { field: 'path', message: 'The path is not valid percent-encoded UTF-8' },
    ]);

    const nested = await t.http
      .post('/api/v1/teams')
      .set(adminHeaders)
      .send({ name: 'ok', members: [{ name: 'fine' }, { name: '张\u0000三' }] });
    expect(nested.status).toBe(400);
    expect(nested.body.errors).toEqual([
      { field: 'members[1].name', message: 'members[1].name must not contain U+0000 (NUL)' },
    ]);
  });

  it('refuses a user whose display name holds NUL, and creates nothing', async () => {
    const operation = operations.find((o) => o.method === 'post' && o.path === '/api/v1/users');
    const example = exampleOf(operation?.bodySchema ?? {}) as Record<string, unknown>;
    const body = { ...example, email: 'nul.user@example.cn', displayName: '李\u0000明' };
    const res = await t.http.post('/api/v1/users').set(adminHeaders).send(body);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { field: 'displayName', message: 'displayName must not contain U+0000 (NUL)' },
    ]);
    const rows = await t.dataSource.query(`SELECT 1 FROM users WHERE email = 'nul.user@example.cn'`);
    expect(rows).toEqual([]);
  });

  it('refuses depth past JSON_MAX_DEPTH before parsing, and lets the limit itself through to validation', async () => {
    const nest = (depth: number) => '{"a":'.repeat(depth - 1) + '{}' + '}'.repeat(depth - 1);
    const over = await t.http
      .post('/api/v1/programs')
      .set(adminHeaders)
      .set('Content-Type', 'application/json')
      .send(`{"settings":${nest(MAX_DEPTH)}}`);
    expect(over.status).toBe(400);
    expect(over.body).toMatchObject({ code: 'JSON_TOO_DEEP', maxDepth: MAX_DEPTH });

    const at = await t.http
      .post('/api/v1/programs')
      .set(adminHeaders)
      .set('Content-Type', 'application/json')
      .send(`{"settings":${nest(MAX_DEPTH - 1)}}`);
    expect(at.status).toBe(400);
    expect(at.body.code).toBe('VALIDATION_FAILED');

    const huge = await t.http
      .post('/api/v1/programs')
      .set(adminHeaders)
      .set('Content-Type', 'application/json')
      .send('['.repeat(100_000) + ']'.repeat(100_000));
    expect(huge.body.code).toBe('JSON_TOO_DEEP');
  });

  it('counts depth in UTF-16 bodies too, and refuses a charset it cannot read with 415', async () => {
    // Raw: superagent would serialize a Buffer sent as JSON.
    const deep = Buffer.from('['.repeat(HOSTILE_DEPTH) + ']'.repeat(HOSTILE_DEPTH), 'utf16le');
    const utf16 = await rawExchange(
      port,
      Buffer.concat([
        Buffer.from(
          'POST /api/v1/programs HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n' +
            `Authorization: ${adminHeaders.Authorization}\r\n` +
            `Content-Type: application/json; charset=utf-16le\r\nContent-Length: ${deep.length}\r\n\r\n`,
        ),
        deep,
      ]),
    );
    expect(utf16.head).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(utf16.body)).toMatchObject({ code: 'JSON_TOO_DEEP', maxDepth: MAX_DEPTH });
    const utf32 = await t.http
      .post('/api/v1/programs')
      .set(adminHeaders)
      .set('Content-Type', 'application/json; charset=utf-32')
      .send(Buffer.from('{}'));
    expect(utf32.status).toBe(415);
    expect(utf32.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers odd credentials, request ids and idempotency keys with 4xx problem+json', async () => {
    const odd = 'ÿ\u00e9\u00ff'.repeat(30);
    const cases = [
      { Authorization: `Bearer ${odd}` },
      { Authorization: odd },
      { 'X-Api-Key': `jb_live_${odd}` },
      { 'X-Request-Id': odd },
    ];
    for (const headers of cases) {
      const res = await t.http.get('/api/v1/me').set(headers);
      expect({ headers, status: res.status }).toEqual({ headers, status: 401 });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const idempotent = await t.http
      .post('/api/v1/payments/00000000-0000-4000-8000-000000000000/confirm')
      .set(adminHeaders)
      .set('Idempotency-Key', odd)
      .send({});
    expect(idempotent.status).toBeLessThan(500);
    expect(idempotent.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('answers headers over the server limit with 431 problem+json (raw socket)', async () => {
    const { head, body } = await rawExchange(
      port,
      `GET /api/v1/challenges HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head).toMatch(/\r\nContent-Type: application\/problem\+json\r\n/);
    expect(head).toMatch(/\r\nConnection: close$/);
    expect(JSON.parse(body)).toMatchObject({ status: 431, code: 'REQUEST_HEADER_FIELDS_TOO_LARGE' });
  });

  it('answers NUL in a header and a broken request line with 400 problem+json (raw socket)', async () => {
    for (const raw of [
      'GET /api/v1/me HTTP/1.1\r\nHost: localhost\r\nX-Api-Key: jb_live_a\u0000b\r\n\r\n',
      'GET /api/v1/challenges HTTP/1.1 junk\r\nHost: localhost\r\n\r\n',
    ]) {
      const { head, body } = await rawExchange(port, raw);
      expect(head).toMatch(/^HTTP\/1\.1 400 /);
      expect(JSON.parse(body)).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    }
    // The server still answers after them.
    const after = await t.http.get('/api/v1/industry-chains');
    expect(after.status).toBe(200);
  });
});

import { execFile } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import express from 'express';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import ts from 'typescript';
import { createJiebangClient, etagOf } from '../../clients/typescript/index';
import { signIn } from '../../clients/typescript/examples/person';
import {
  openChallenges,
  subscribe,
  verifyDelivery,
  webhookRoute,
} from '../../clients/typescript/examples/portal';

const ROOT = join(__dirname, '..', '..');
const CLIENT = join(ROOT, 'clients', 'typescript');
const COMMITTED = join(CLIENT, 'schema.d.ts');
const CLI = join(ROOT, 'node_modules', 'openapi-typescript', 'bin', 'cli.js');
const GUIDE = join(ROOT, 'docs', 'integration.md');

interface PackageJson {
  name: string;
  version: string;
  scripts: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as PackageJson;

/** The ```ts blocks of docs/integration.md, in order. */
const guideBlocks = () => [...readFileSync(GUIDE, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);

/** A fetch that records the request and answers `answer`. */
function recordingFetch(answer: () => Response): { fetch: typeof fetch; requests: Request[] } {
  const requests: Request[] = [];
  return {
    requests,
    fetch: (input: Request | string | URL, init?: RequestInit) => {
      requests.push(new Request(input, init));
      return Promise.resolve(answer());
    },
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers },
  });

describe('typed client (clients/typescript)', () => {
  it('schema.d.ts is what `npm run client` generates from the committed docs/openapi.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'client-'));
    try {
      const output = join(dir, 'schema.d.ts');
      // The arguments of `npm run client`, with the output redirected.
      const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson).scripts
        .client;
      const args = script.split(/\s+/).slice(1);
      args[args.indexOf('--output') + 1] = output;
      expect(script.startsWith('openapi-typescript ')).toBe(true);
      await promisify(execFile)(process.execPath, [CLI, ...args], { cwd: ROOT });
      const generated = readFileSync(output, 'utf8').split('\n');
      const committed = readFileSync(COMMITTED, 'utf8').split('\n');
      const line = generated.findIndex((text, i) => text !== committed[i]);
      const stale =
        line >= 0 || generated.length !== committed.length
          ? `clients/typescript/schema.d.ts is stale (first difference at line ${line + 1}): run \`npm run client\``
          : null;
      expect(stale).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sends a user token as Bearer, to the base URL without a trailing slash', async () => {
    const recorder = recordingFetch(() => json(200, { items: [], nextCursor: null }));
    const api = createJiebangClient({
      baseUrl: 'https://jiebang.test/',
      token: 'abc',
      fetch: recorder.fetch,
    });
    const { data } = await api.GET('/api/v1/notifications', { params: { query: { limit: 5 } } });
    expect(data).toEqual({ items: [], nextCursor: null });
    expect(recorder.requests[0].url).toBe('https://jiebang.test/api/v1/notifications?limit=5');
    expect(recorder.requests[0].headers.get('Authorization')).toBe('Bearer abc');
    expect(recorder.requests[0].headers.get('X-Api-Key')).toBeNull();
  });

  it('asks a token function before each request, and sends an API key as X-Api-Key', async () => {
    const recorder = recordingFetch(() => json(200, { items: [], nextCursor: null }));
    let calls = 0;
    const user = createJiebangClient({
      baseUrl: 'https://jiebang.test',
      token: () => `t${++calls}`,
      fetch: recorder.fetch,
    });
    await user.GET('/api/v1/notifications');
    await user.GET('/api/v1/notifications');
    const portal = createJiebangClient({
      baseUrl: 'https://jiebang.test',
      apiKey: 'jb_live_x',
      fetch: recorder.fetch,
    });
    await portal.GET('/api/v1/webhooks');
    expect(recorder.requests.map((r) => r.headers.get('Authorization'))).toEqual([
      'Bearer t1',
      'Bearer t2',
      null,
    ]);
    expect(recorder.requests[2].headers.get('X-Api-Key')).toBe('jb_live_x');
  });

  it('answers a problem as `error`, with the response for its headers', async () => {
    const problem = {
      type: 'urn:jiebang:problem:version-mismatch',
      title: 'Version mismatch',
      status: 409,
      detail: 'stale',
      code: 'VERSION_MISMATCH',
    };
    const recorder = recordingFetch(() => json(409, problem, { ETag: '"4"' }));
    const api = createJiebangClient({ baseUrl: 'https://jiebang.test', token: 'abc', fetch: recorder.fetch });
    const { data, error, response } = await api.POST('/api/v1/projects/{id}/sign', {
      params: { path: { id: '6f1f6a1e-3b9f-4a5e-8f53-1f1a2b3c4d5e' }, header: { 'If-Match': '"3"' } },
    });
    expect(data).toBeUndefined();
    expect(error?.code).toBe('VERSION_MISMATCH');
    expect(etagOf(response)).toBe('"4"');
    expect(recorder.requests[0].headers.get('If-Match')).toBe('"3"');
  });
});

describe('the worked example of docs/integration.md (clients/typescript/examples/portal.ts)', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw+8Q2mZ1mGqE=';

  it('verifies a Standard Webhooks signature over the raw body, and refuses a changed body or secret', () => {
    const body = JSON.stringify({
      id: 'evt_1',
      type: 'challenge.published',
      createdAt: '2027-03-01T02:00:00.000Z',
      data: { challengeId: 'c1', title: '榜单' },
    });
    const signature = new Webhook(secret).sign('dlv_1', new Date(), body);
    const headers = {
      'webhook-id': 'dlv_1',
      'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
      'webhook-signature': signature,
    };
    expect(verifyDelivery(secret, Buffer.from(body), headers)).toMatchObject({
      type: 'challenge.published',
      data: { title: '榜单' },
    });
    expect(verifyDelivery(secret, body.replace('榜单', '改过'), headers)).toBeNull();
    expect(verifyDelivery('whsec_' + Buffer.alloc(32, 7).toString('base64'), body, headers)).toBeNull();
    expect(verifyDelivery(secret, body, { ...headers, 'webhook-timestamp': '1000000000' })).toBeNull();
  });

  it('receives through an Express route: 401 unsigned, each delivery handled once', async () => {
    const handled: string[] = [];
    const app = express().use(webhookRoute(secret, new Set<string>(), async (e) => void handled.push(e.id)));
    const body = JSON.stringify({
      id: 'evt_2',
      type: 'challenge.closed',
      createdAt: '2027-03-01T00:00:00Z',
      data: {},
    });
    const headers = {
      'Content-Type': 'application/json',
      'webhook-id': 'dlv_2',
      'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
      'webhook-signature': new Webhook(secret).sign('dlv_2', new Date(), body),
    };
    const post = (h: Record<string, string>) => request(app).post('/hooks/jiebang').set(h).send(body);
    expect((await post({ ...headers, 'webhook-signature': 'v1,AAAA' })).status).toBe(401);
    expect((await post(headers)).status).toBe(204);
    expect((await post(headers)).status).toBe(204);
    expect(handled).toEqual(['evt_2']);
  });

  it('subscribes with the integration key and keeps the secret of the answer', async () => {
    const recorder = recordingFetch(() => json(201, { id: 'w1', secret }));
    const api = createJiebangClient({
      baseUrl: 'https://jiebang.test',
      apiKey: 'jb_live_x',
      fetch: recorder.fetch,
    });
    expect(await subscribe(api, 'https://portal.test/hooks/jiebang')).toEqual({ id: 'w1', secret });
    const request = recorder.requests[0];
    expect([request.method, request.url, request.headers.get('X-Api-Key')]).toEqual([
      'POST',
      'https://jiebang.test/api/v1/webhooks',
      'jb_live_x',
    ]);
    expect(await request.json()).toMatchObject({ url: 'https://portal.test/hooks/jiebang' });
  });

  it('pages through the open challenges with nextCursor until it is null', async () => {
    const pages = [
      { items: [{ id: 'a' }, { id: 'b' }], nextCursor: 'CUR1' },
      { items: [{ id: 'c' }], nextCursor: null },
    ];
    let page = 0;
    const recorder = recordingFetch(() => json(200, pages[page++]));
    const api = createJiebangClient({ baseUrl: 'https://jiebang.test', fetch: recorder.fetch });
    const ids: string[] = [];
    for await (const challenge of openChallenges(api)) ids.push(challenge.id);
    expect(ids).toEqual(['a', 'b', 'c']);
    expect(recorder.requests.map((r) => new URL(r.url).searchParams.get('cursor'))).toEqual([null, 'CUR1']);
    expect(new URL(recorder.requests[0].url).searchParams.get('status')).toBe('open');
  });

  it('is what docs/integration.md shows: every ts block of the guide is in an example, verbatim', () => {
    const lines = (text: string) => text.split('\n').map((line) => line.trim());
    const examples = ['portal.ts', 'person.ts'].map((file) =>
      lines(readFileSync(join(CLIENT, 'examples', file), 'utf8')),
    );
    // The examples import the client by its path in the repository; the guide by its package name.
    const blocks = guideBlocks().map((block) =>
      lines(block.trimEnd().replaceAll("from '@jiebang/client'", "from '../index'")),
    );
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    const missing = blocks.filter(
      (block) =>
        !examples.some((example) =>
          example.some((_, i) => block.every((line, j) => example[i + j] === line)),
        ),
    );
    expect(missing).toEqual([]);
  });

  it('turns a problem into a JiebangError that keeps its code', async () => {
    const recorder = recordingFetch(() =>
      json(429, { type: 't', title: 'Too many', status: 429, detail: 'retry in 5 s', code: 'RATE_LIMITED' }),
    );
    const api = createJiebangClient({ baseUrl: 'https://jiebang.test', fetch: recorder.fetch });
    await expect(openChallenges(api).next()).rejects.toMatchObject({ problem: { code: 'RATE_LIMITED' } });
  });
});

describe('a person signs in (clients/typescript/examples/person.ts)', () => {
  // signIn makes its own clients, which call the global fetch.
  const useFetch = (recorder: { fetch: typeof fetch }) =>
    jest.spyOn(globalThis, 'fetch').mockImplementation(recorder.fetch);
  afterEach(() => jest.restoreAllMocks());

  const tokens = (n: number) => ({
    accessToken: `access${n}`,
    refreshToken: `jbr_${n}`,
    expiresIn: 900,
    tokenType: 'Bearer',
  });

  it('logs in, sends the access token, and refreshes it once before it expires', async () => {
    let issued = 0;
    const recorder = recordingFetch(() =>
      recorder.requests.at(-1)?.url.includes('/auth/') ? json(200, tokens(++issued)) : json(200, {}),
    );
    useFetch(recorder);
    let now = Date.UTC(2027, 2, 1);
    const api = await signIn('https://jiebang.test', 'li.ming@example.cn', 'pw', () => now);
    await api.GET('/api/v1/me');
    now += 850_000; // less than a minute of the 15 left: two requests at once share one refresh
    await Promise.all([api.GET('/api/v1/me'), api.GET('/api/v1/me')]);
    const seen = recorder.requests.map(
      (r) => `${r.method} ${new URL(r.url).pathname} ${r.headers.get('Authorization')}`,
    );
    expect(seen).toEqual([
      'POST /api/v1/auth/login null',
      'GET /api/v1/me Bearer access1',
      'POST /api/v1/auth/refresh null',
      'GET /api/v1/me Bearer access2',
      'GET /api/v1/me Bearer access2',
    ]);
    expect(await recorder.requests[0].json()).toEqual({ email: 'li.ming@example.cn', password: 'pw' });
    expect(await recorder.requests[2].json()).toEqual({ refreshToken: 'jbr_1' });
  });

  it('passes the second step with a TOTP code when the login asks for it (ADR 0044)', async () => {
    const recorder = recordingFetch(() => {
      const path = new URL(recorder.requests.at(-1)!.url).pathname;
      if (path === '/api/v1/auth/login') {
        return json(200, { mfaRequired: true, mfaToken: 'challenge-1', expiresIn: 300, methods: ['totp'] });
      }
      return path === '/api/v1/auth/login/mfa' ? json(200, tokens(7)) : json(200, {});
    });
    useFetch(recorder);
    const api = await signIn(
      'https://jiebang.test',
      'admin@example.cn',
      'pw',
      Date.now,
      async () => '123456',
    );
    await api.GET('/api/v1/me');
    expect(
      recorder.requests.map((r) => `${new URL(r.url).pathname} ${r.headers.get('Authorization')}`),
    ).toEqual(['/api/v1/auth/login null', '/api/v1/auth/login/mfa null', '/api/v1/me Bearer access7']);
    expect(await recorder.requests[1].json()).toEqual({ mfaToken: 'challenge-1', code: '123456' });
    await expect(signIn('https://jiebang.test', 'admin@example.cn', 'pw')).rejects.toThrow(/TOTP/);
  });

  it("refuses a wrong password with the problem's code", async () => {
    const recorder = recordingFetch(() =>
      json(401, { type: 't', title: 'Unauthorized', status: 401, detail: 'no', code: 'INVALID_CREDENTIALS' }),
    );
    useFetch(recorder);
    await expect(signIn('https://jiebang.test', 'li.ming@example.cn', 'wrong')).rejects.toMatchObject({
      problem: { code: 'INVALID_CREDENTIALS' },
    });
  });
});

/**
 * The package as a consumer gets it: built by clients/typescript/build.mjs (what `npm run
 * client:build` and `npm pack` run) into node_modules/@jiebang/client of a scratch project, whose
 * other node_modules entries link to this repository's.
 */
describe('the @jiebang/client package (clients/typescript)', () => {
  const FLAGS = { strict: true, exactOptionalPropertyTypes: true } as const;
  let project: string;
  const run = (file: string) =>
    promisify(execFile)(process.execPath, [file], { cwd: project }).then(({ stdout }) => JSON.parse(stdout));

  /** Type errors of `files` (in the scratch project) compiled as a consumer under strict + exactOptionalPropertyTypes. */
  const typeErrors = (files: Record<string, string>): string[] => {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(project, name), text);
    const program = ts.createProgram(
      Object.keys(files).map((name) => join(project, name)),
      {
        ...FLAGS,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2022,
        lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
        types: ['node'],
        noEmit: true,
        skipLibCheck: false,
      },
    );
    return ts
      .getPreEmitDiagnostics(program)
      .map(
        (d) =>
          `${d.file ? d.file.fileName.replace(project, '') : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
      );
  };

  beforeAll(async () => {
    project = mkdtempSync(join(tmpdir(), 'client-package-'));
    const installed = join(project, 'node_modules', '@jiebang', 'client');
    mkdirSync(installed, { recursive: true });
    await promisify(execFile)(process.execPath, [join(CLIENT, 'build.mjs'), join(installed, 'dist')]);
    copyFileSync(join(CLIENT, 'package.json'), join(installed, 'package.json'));
    for (const name of ['openapi-fetch', 'express', 'standardwebhooks', '@types/express', '@types/node']) {
      mkdirSync(dirname(join(project, 'node_modules', name)), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', name), join(project, 'node_modules', name), 'dir');
    }
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  }, 120_000);
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('has the API version, openapi-fetch in the range the repository uses, and builds under strict + exactOptionalPropertyTypes', () => {
    const root = readJson(join(ROOT, 'package.json'));
    const client = readJson(join(CLIENT, 'package.json'));
    expect([client.name, client.version]).toEqual(['@jiebang/client', root.version]);
    expect(client.dependencies).toEqual({ 'openapi-fetch': root.devDependencies?.['openapi-fetch'] });
    expect(root.scripts['client:build']).toBe('node clients/typescript/build.mjs');
    for (const format of ['esm', 'cjs']) {
      const config = ts.getParsedCommandLineOfConfigFile(
        join(CLIENT, `tsconfig.${format}.json`),
        {},
        { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
      );
      expect(config?.options).toMatchObject({ ...FLAGS, declaration: true, skipLibCheck: false });
      expect(config?.fileNames).toEqual([join(CLIENT, 'index.ts')]);
    }
  });

  it('loads as ESM (import) and as CommonJS (require), each its own build, and makes a request', async () => {
    const probe = (load: string, resolved: string) => `
      ${load}
      const calls = [];
      const api = createJiebangClient({
        baseUrl: 'https://jiebang.test/',
        token: 't',
        fetch: async (request) => {
          calls.push(request.url + ' ' + request.headers.get('Authorization'));
          return new Response('{"items":[],"nextCursor":null}', { headers: { 'Content-Type': 'application/json' } });
        },
      });
      api.GET('/api/v1/notifications').then(({ data }) =>
        console.log(JSON.stringify({ resolved: ${resolved}, factory: typeof createJiebangClient, etagOf: typeof etagOf, calls, data })),
      );`;
    writeFileSync(
      join(project, 'probe.mjs'),
      probe(
        "import { createJiebangClient, etagOf } from '@jiebang/client';",
        "import.meta.resolve('@jiebang/client')",
      ),
    );
    writeFileSync(
      join(project, 'probe.cjs'),
      probe(
        "const { createJiebangClient, etagOf } = require('@jiebang/client');",
        "require.resolve('@jiebang/client')",
      ),
    );
    const expected = (build: string) => ({
      resolved: expect.stringMatching(new RegExp(`node_modules/@jiebang/client/dist/${build}/index\\.js$`)),
      factory: 'function',
      etagOf: 'function',
      calls: ['https://jiebang.test/api/v1/notifications Bearer t'],
      data: { items: [], nextCursor: null },
    });
    expect(await run('probe.mjs')).toEqual(expected('esm'));
    expect(await run('probe.cjs')).toEqual(expected('cjs'));
    expect(readFileSync(join(project, 'node_modules/@jiebang/client/dist/esm/index.js'), 'utf8')).toMatch(
      /^import createClient from 'openapi-fetch';$/m,
    );
  });

  it('compiles the ts blocks of docs/integration.md against it, as ESM and as CommonJS', () => {
    const guide = guideBlocks().join('\n');
    expect(guide).toContain("from '@jiebang/client'");
    expect(typeErrors({ 'guide.mts': guide, 'guide.cts': guide })).toEqual([]);
  });

  it('fails a paging loop that passes `cursor: undefined` (why the guide leaves it out)', () => {
    const loop = `
      import { createJiebangClient } from '@jiebang/client';
      const api = createJiebangClient({ baseUrl: 'https://jiebang.test' });
      export async function first(cursor: string | undefined) {
        return api.GET('/api/v1/challenges', { params: { query: { limit: 100, cursor } } });
      }`;
    expect(typeErrors({ 'loop.mts': loop }).join('\n')).toMatch(/exactOptionalPropertyTypes/);
  });
});

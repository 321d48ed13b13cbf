import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DistProcess, freePort, startDist, stopDist, waitFor200 } from '../support/dist-process';
import { createTestEnvironment, TestEnvironment } from '../support/test-app';

const COMMITTED = join(__dirname, '..', '..', 'docs', 'openapi.json');
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

/** Operations that cannot fail, so document no error response: liveness answers 200 while the process runs. */
const NEVER_FAILING_OPERATIONS = ['GET /health/live'];
/** What any request may get before it reaches an operation (ADR 0034), documented everywhere by convention. */
/** What every operation answers before any route runs (ADR 0034), liveness too: shared responses. */
const HTTP_LAYER_RESPONSES = [
  '#/components/responses/Problem_400_VALIDATION_FAILED_unthrottled',
  '#/components/responses/Problem_431_REQUEST_HEADER_FIELDS_TOO_LARGE_unthrottled',
  '#/components/responses/Problem_431_REQUEST_HEADER_FIELDS_TOO_LARGE',
];

/**
 * Operations anyone may call without credentials, as `METHOD path`; every other one must declare
 * its security (routes with @OptionalAuth() declare it, with an anonymous alternative). Extend with care.
 */
const PUBLIC_OPERATIONS = [
  /^GET \/health\//,
  /^GET \/api\/v1$/,
  /^GET \/docs/,
  /^POST \/api\/v1\/auth\/(login|login\/mfa|register|refresh)$/,
  /^POST \/api\/v1\/auth\/password-reset(\/confirm)?$/,
  /^POST \/api\/v1\/invitations\/accept$/,
  /^GET \/api\/v1\/(industry-chains|categories|programs)(\/\{[a-z]+\})?$/,
  /^GET \/api\/v1\/challenges\/\{id\}\/publicity$/,
  /^GET \/api\/v1\/calendar\/\{year\}$/,
  /^GET \/api\/v1\/(stats\/(overview|transfer)|open-data\/(ocds|needs|results|contracts))$/,
  /^GET \/api\/v1\/contracts\/(registered|stats)$/,
  /^GET \/api\/v1\/results\/\{id\}\/transfers$/,
];

interface Operation {
  summary?: string;
  security?: unknown[];
  responses?: Record<string, unknown>;
}

/** The validator is an ES module; jest runs CommonJS, so it runs in a child Node process. */
async function validateOpenApi(document: unknown): Promise<{ valid: boolean; errors?: unknown }> {
  const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
  const file = join(dir, 'openapi.json');
  writeFileSync(file, JSON.stringify(document));
  const script =
    "import { Validator } from '@seriousme/openapi-schema-validator';" +
    'const result = await new Validator().validate(process.argv[1]);' +
    'process.stdout.write(JSON.stringify({ valid: result.valid, errors: result.errors }));';
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', script, file],
      {
        cwd: join(__dirname, '..', '..'),
      },
    );
    return JSON.parse(stdout) as { valid: boolean; errors?: unknown };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('OpenAPI document', () => {
  let environment: TestEnvironment;
  let api: DistProcess;
  let served: { openapi: string; paths: Record<string, Record<string, Operation>> };

  beforeAll(async () => {
    environment = await createTestEnvironment();
    const port = await freePort();
    api = startDist('main', { ...environment.env, PORT: String(port) });
    await waitFor200(`http://127.0.0.1:${port}/health/ready`, api);
    const response = await fetch(`http://127.0.0.1:${port}/docs-json`);
    expect(response.status).toBe(200);
    served = (await response.json()) as typeof served;
  });

  afterAll(async () => {
    await stopDist(api);
    await environment?.drop();
  });

  it('equals the committed docs/openapi.json (run `npm run openapi` and commit it when this fails)', () => {
    if (!existsSync(COMMITTED)) throw new Error(`${COMMITTED} is missing: run \`npm run openapi\``);
    expect(served).toEqual(JSON.parse(readFileSync(COMMITTED, 'utf8')));
  });

  it('is a valid OpenAPI 3 document', async () => {
    expect(served.openapi).toMatch(/^3\./);
    const result = await validateOpenApi(served);
    if (!result.valid)
      throw new Error(`Invalid OpenAPI document:\n${JSON.stringify(result.errors, null, 2)}`);
  });

  it('gives every operation a summary, its error responses and (unless public) its security', () => {
    const problems: string[] = [];
    let count = 0;
    for (const [path, item] of Object.entries(served.paths)) {
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        count += 1;
        const name = `${method.toUpperCase()} ${path}`;
        if (!operation.summary?.trim()) problems.push(`${name}: no summary (@ApiOperation({ summary }))`);
        // The refusals of the request pipeline and the HTTP server (400 VALIDATION_FAILED alone, 431)
        // are documented on every operation by convention (ADR 0034): only the operation's own count.
        const errors = Object.entries(operation.responses ?? {})
          .filter(([status]) => /^[45]\d\d$/.test(status))
          .filter(
            ([, response]) => !HTTP_LAYER_RESPONSES.includes((response as { $ref?: string }).$ref ?? ''),
          );
        if (!errors.length && !NEVER_FAILING_OPERATIONS.includes(name)) {
          problems.push(`${name}: no error response documented`);
        }
        if (errors.length && NEVER_FAILING_OPERATIONS.includes(name)) {
          problems.push(`${name}: documents errors it cannot answer`);
        }
        const isPublic = PUBLIC_OPERATIONS.some((pattern) => pattern.test(name));
        if (!isPublic && !operation.security?.length) {
          problems.push(`${name}: no security requirement (@Authenticated())`);
        }
      }
    }
    expect(count).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('gives every operation an operationId, a declared tag, typed answers and problem+json errors', () => {
    const document = served as unknown as {
      tags?: Array<{ name: string }>;
      paths: Record<string, Record<string, Operation & { operationId?: string; tags?: string[] }>>;
      components: { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> };
    };
    const declaredTags = new Set((document.tags ?? []).map((tag) => tag.name));
    const problems: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        const name = `${method.toUpperCase()} ${path}`;
        if (!operation.operationId) problems.push(`${name}: no operationId`);
        if (!operation.tags?.length) problems.push(`${name}: no tag (@ApiTags())`);
        for (const tag of operation.tags ?? []) {
          if (!declaredTags.has(tag))
            problems.push(`${name}: tag ${tag} not declared (OPENAPI_TAGS in app.setup.ts)`);
        }
        for (const [status, declared] of Object.entries(operation.responses ?? {})) {
          const ref = (declared as { $ref?: string }).$ref;
          const response = (
            ref ? document.components.responses?.[ref.split('/').pop() as string] : declared
          ) as { content?: Record<string, { schema?: { type?: string; properties?: unknown } }> };
          const types = Object.keys(response?.content ?? {});
          if (
            /^[45]/.test(status) &&
            !Array.isArray((response as Record<string, unknown>)['x-error-codes'])
          ) {
            problems.push(
              `${name} ${status}: no x-error-codes (declare errors with @ApiErrors, not @Api…Response)`,
            );
          }
          if (/^[45]/.test(status) && types.join() !== 'application/problem+json') {
            problems.push(
              `${name} ${status}: errors are application/problem+json, not ${types.join() || 'empty'}`,
            );
          }
          if (/^2/.test(status) && status !== '204') {
            const schema = Object.values(response?.content ?? {})[0]?.schema;
            if (!schema) problems.push(`${name} ${status}: no response schema`);
            else if (schema.type === 'object' && !schema.properties) {
              problems.push(`${name} ${status}: an untyped object (give the answer a DTO class)`);
            }
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

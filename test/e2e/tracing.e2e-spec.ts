import { spawnSync } from 'node:child_process';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createTeam, draftBid, Listed, pledge } from '../support/applications';
import { createProgram, DAY, publishChallenge } from '../support/challenges';
import { Actor, createAdmin, registerOrg } from '../support/factories';
import { DistProcess, freePort, startDist, stopDist, waitFor200 } from '../support/dist-process';
import { createTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/workers';

/** OTLP span kinds as the JSON encoding numbers them. */
const KIND = { server: 2, client: 3, producer: 4, consumer: 5 } as const;

type Scalar = string | number | boolean | undefined;

interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, Scalar>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
interface OtlpExport {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpAttribute[] };
    scopeSpans?: Array<{
      spans?: Array<Omit<ReceivedSpan, 'service' | 'attributes'> & { attributes?: OtlpAttribute[] }>;
    }>;
  }>;
}

const attributesOf = (list: OtlpAttribute[] = []): Record<string, Scalar> =>
  Object.fromEntries(
    list.map(({ key, value }) => [
      key,
      value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue,
    ]),
  );

/** The request path and the SQL of a span, under the older or the stable semantic conventions. */
const pathOf = (s: ReceivedSpan): string =>
  String(s.attributes['url.path'] ?? s.attributes['http.target'] ?? '');
const statementOf = (s: ReceivedSpan): string =>
  String(s.attributes['db.statement'] ?? s.attributes['db.query.text'] ?? '');

/** An OTLP/HTTP receiver (JSON encoding) that keeps every span it is sent. */
class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (req.method !== 'POST' || req.url !== '/v1/traces') {
          res.writeHead(404).end();
          return;
        }
        const raw = Buffer.concat(chunks);
        const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        const payload = JSON.parse(body.toString('utf8')) as OtlpExport;
        for (const resourceSpans of payload.resourceSpans ?? []) {
          const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name']);
          for (const scope of resourceSpans.scopeSpans ?? []) {
            for (const span of scope.spans ?? []) {
              this.spans.push({
                service,
                traceId: span.traceId,
                spanId: span.spanId,
                parentSpanId: span.parentSpanId || undefined,
                name: span.name,
                kind: span.kind,
                attributes: attributesOf(span.attributes),
              });
            }
          }
        }
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/**
 * Tracing (docs/adr/0064), on the built API and worker with OTEL_EXPORTER_OTLP_ENDPOINT pointing at
 * a receiver in this test: one bid submission is one trace, from the HTTP request through its SQL and
 * the outbox event to the worker's handling of that event; the log lines name the trace.
 */
describe('tracing: a bid submission is one trace across the API and the worker', () => {
  const receiver = new OtlpReceiver();
  let t: TestApp;
  let api: DistProcess | undefined;
  let worker: DistProcess | undefined;
  let base: string;
  let applicant: Actor;
  let bidId: string;

  beforeAll(async () => {
    await receiver.start();
    t = await createTestApp();
    // The built processes run on the machine's clock: the challenge must be open by it.
    t.clock.set(new Date());
    const admin = await createAdmin(t);
    const issuer = await registerOrg(t, { role: 'issuer' });
    applicant = await registerOrg(t, { role: 'applicant', type: 'university', name: '南昌大学' });
    const programId = await createProgram(t, admin);
    const now = t.clock.now().getTime();
    const list = (await publishChallenge(t, issuer, admin, programId, {
      opensAt: new Date(now - DAY).toISOString(),
      closesAt: new Date(now + 10 * DAY).toISOString(),
    })) as unknown as Listed;
    const team = await createTeam(t, applicant);
    const draft = await draftBid(t, applicant, list, team.id);
    await pledge(t, team.leader, draft.id);
    bidId = draft.id;

    const tracing = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      // Exported a tenth of a second after they end, not five seconds.
      OTEL_BSP_SCHEDULE_DELAY: '100',
      LOG_LEVEL: 'info',
    };
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = startDist('main', { ...t.environment.env, ...tracing, PORT: String(port) });
    worker = startDist('worker', { ...t.environment.env, ...tracing });
    await waitFor200(`${base}/health/ready`, api);
  });

  afterAll(async () => {
    await stopDist(api);
    await stopDist(worker);
    await t?.close();
    await receiver.stop();
  });

  it('spans the HTTP request, its SQL, the outbox event and the worker handling it, under one trace id', async () => {
    const submitted = await fetch(`${base}/api/v1/applications/${bidId}/submit`, {
      method: 'POST',
      headers: { ...applicant.headers, 'X-Request-Id': 'trace-test-submit' },
    });
    expect(submitted.status).toBe(200);

    const server = await waitFor(
      async () =>
        receiver.spans.find((s) => s.kind === KIND.server && pathOf(s).endsWith(`/${bidId}/submit`)),
      { what: `the API's server span (spans so far: ${receiver.spans.length})` },
    );
    expect(server).toMatchObject({
      service: 'jiebang-api',
      parentSpanId: undefined,
      name: 'POST /api/v1/applications/:id/submit',
      attributes: expect.objectContaining({ 'http.route': '/api/v1/applications/:id/submit' }),
    });
    const traceId = server.traceId;
    const inTrace = () => receiver.spans.filter((s) => s.traceId === traceId);
    const byId = (id: string | undefined) => inTrace().find((s) => s.spanId === id);
    /** Whether `span` descends from `ancestor` through spans of the trace. */
    const descends = (span: ReceivedSpan, ancestor: ReceivedSpan): boolean => {
      for (let at = byId(span.parentSpanId); at; at = byId(at.parentSpanId)) if (at === ancestor) return true;
      return false;
    };

    // The outbox event: a producer span inside the request, its context stored with the event.
    const producer = await waitFor(
      async () =>
        inTrace().find((s) => s.kind === KIND.producer && s.name === 'publish application.submitted'),
      { what: 'the outbox producer span' },
    );
    expect(producer.service).toBe('jiebang-api');
    expect(descends(producer, server)).toBe(true);
    const [row] = await t.dataSource.query<Array<{ id: string; traceparent: string; request_id: string }>>(
      `SELECT id, traceparent, request_id FROM outbox_events
       WHERE type = 'application.submitted' AND aggregate_id = $1`,
      [bidId],
    );
    expect(row).toMatchObject({
      request_id: 'trace-test-submit',
      traceparent: `00-${traceId}-${producer.spanId}-01`,
    });
    expect(producer.attributes['messaging.message.id']).toBe(row.id);

    // The worker's handling of that event: a consumer span whose parent is the producer span.
    const consumer = await waitFor(
      async () =>
        inTrace().find(
          (s) => s.kind === KIND.consumer && s.attributes['jiebang.event.type'] === 'application.submitted',
        ),
      { what: `the worker's consumer span (worker output: ${worker!.output().slice(-1500)})` },
    );
    expect(consumer).toMatchObject({
      service: 'jiebang-worker',
      name: 'process deliver-domain-event',
      parentSpanId: producer.spanId,
      attributes: expect.objectContaining({ 'messaging.message.id': row.id }),
    });

    // SQL on both sides: pg spans of the API under the request, of the worker under its handling
    // (the event row read, a handler's processed_events claim).
    const isSql = (s: ReceivedSpan) =>
      s.kind === KIND.client &&
      (s.attributes['db.system'] ?? s.attributes['db.system.name']) === 'postgresql' &&
      statementOf(s) !== '';
    await waitFor(
      async () =>
        inTrace().some(
          (s) =>
            isSql(s) &&
            s.service === 'jiebang-worker' &&
            statementOf(s).includes('processed_events') &&
            descends(s, consumer),
        ),
      { what: "the worker's SQL spans" },
    );
    const apiSql = inTrace().filter((s) => isSql(s) && s.service === 'jiebang-api');
    expect(apiSql.length).toBeGreaterThan(0);
    expect(apiSql.every((s) => descends(s, server))).toBe(true);
    expect(apiSql.some((s) => statementOf(s).includes('INSERT INTO outbox_events'))).toBe(true);
    expect(
      inTrace()
        .filter((s) => isSql(s) && s.service === 'jiebang-worker')
        .every((s) => descends(s, consumer)),
    ).toBe(true);

    // One trace: a single root, the request; every other span of it descends from the request.
    const roots = inTrace().filter((s) => !s.parentSpanId);
    expect(roots).toEqual([server]);
    expect(inTrace().every((s) => s === server || descends(s, server))).toBe(true);

    // Every log line of the request names the trace.
    const lines = api!
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { requestId?: string; traceId?: string; msg?: string });
    const ours = lines.filter((l) => l.requestId === 'trace-test-submit');
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.map((l) => l.traceId)).toEqual(ours.map(() => traceId));
  });
});

describe('tracing off: nothing of the SDK is loaded (docs/adr/0064)', () => {
  /** The OpenTelemetry modules in require.cache after the built tracing.ts ran with `env`. */
  const loadedWith = (env: Record<string, string>): string[] => {
    const script = join(__dirname, '..', '..', 'dist', 'src', 'infra', 'tracing', 'tracing.js');
    const probe = `require(${JSON.stringify(script)});
      const names = Object.keys(require.cache).map((f) => /@opentelemetry.[^/]+/.exec(f)?.[0]).filter(Boolean);
      process.stdout.write(JSON.stringify([...new Set(names)].sort()));`;
    const run = spawnSync(process.execPath, ['-e', probe], {
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    return JSON.parse(run.stdout) as string[];
  };

  it('loads none of OpenTelemetry without an endpoint (or disabled), and the SDK with one', () => {
    expect(loadedWith({})).toEqual([]);
    expect(
      loadedWith({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_SDK_DISABLED: 'true' }),
    ).toEqual([]);
    expect(loadedWith({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' })).toEqual(
      expect.arrayContaining(['@opentelemetry/sdk-node', '@opentelemetry/instrumentation-pg']),
    );
  });
});

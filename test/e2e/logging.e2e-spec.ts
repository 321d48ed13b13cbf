import { DistProcess, freePort, startDist, stopDist, waitFor200 } from '../support/dist-process';
import { createTestEnvironment, TestEnvironment } from '../support/test-app';

interface LogLine {
  level: number;
  msg?: string;
  requestId?: string;
  req?: { headers?: Record<string, string> };
  [key: string]: unknown;
}

/** The built API writes structured JSON lines; every line of a request carries its X-Request-Id. */
describe('structured logs', () => {
  let environment: TestEnvironment;
  let api: DistProcess;
  let base: string;

  const lines = (): LogLine[] =>
    api
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine);

  beforeAll(async () => {
    environment = await createTestEnvironment({ env: { LOG_LEVEL: 'info' } });
    const port = await freePort();
    api = startDist('main', { ...environment.env, PORT: String(port) });
    base = `http://127.0.0.1:${port}`;
    await waitFor200(`${base}/health/ready`, api);
  });

  afterAll(async () => {
    await stopDist(api);
    await environment?.drop();
  });

  it('writes JSON lines with the request id, and never the credentials', async () => {
    const response = await fetch(`${base}/api/v1/me`, {
      headers: { 'X-Request-Id': 'log-test-42', Authorization: 'Bearer secret-token-value' },
    });
    expect(response.status).toBe(401);
    const deadline = Date.now() + 60_000;
    while (!lines().some((l) => l.requestId === 'log-test-42') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const ours = lines().filter((l) => l.requestId === 'log-test-42');
    expect(ours.length).toBeGreaterThan(0);
    const completed = ours.find((l) => l.msg === 'request completed');
    expect(completed).toMatchObject({ req: { id: 'log-test-42', method: 'GET' }, res: { statusCode: 401 } });
    expect(api.output()).not.toContain('secret-token-value');
  });
});

import { createTestApp, TestApp } from '../support/test-app';

describe('HTTP conventions', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('answers an unknown route with a problem+json 404 and echoes X-Request-Id', async () => {
    const res = await t.http.get('/api/v1/nothing-here').set('X-Request-Id', 'req-abc-1');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['x-request-id']).toBe('req-abc-1');
    expect(res.body).toMatchObject({ status: 404, code: 'NOT_FOUND', requestId: 'req-abc-1' });
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const res = await t.http
      .post('/api/v1/nothing-here')
      .set('Content-Type', 'application/json')
      .send('{"a":');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('MALFORMED_JSON');
    expect(res.body.stack).toBeUndefined();
  });

  it('answers a 5 MB body with 413 PAYLOAD_TOO_LARGE', async () => {
    const big = JSON.stringify({ text: 'x'.repeat(5 * 1024 * 1024) });
    const res = await t.http.post('/api/v1/nothing-here').set('Content-Type', 'application/json').send(big);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

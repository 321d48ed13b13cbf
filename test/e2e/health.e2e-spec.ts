import { AuthGuard } from '../../src/common/auth/auth.guard';
import { ShutdownState } from '../../src/infra/lifecycle/shutdown';
import { createTestApp, TestApp } from '../support/test-app';

describe('health', () => {
  describe('with PostgreSQL and Redis up', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(async () => t.close());

    it('is live and ready', async () => {
      expect((await t.http.get('/health/live')).status).toBe(200);
      const ready = await t.http.get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.details).toMatchObject({ database: { status: 'up' }, redis: { status: 'up' } });
    });

    it('answers liveness from the platform: the documented body and the headers of every answer, without the guards (ADR 0057)', async () => {
      const guard = jest.spyOn(AuthGuard.prototype, 'canActivate');
      try {
        const live = await t.http.get('/health/live').set('X-Request-Id', 'probe-1');
        expect(live.status).toBe(200);
        expect(live.body).toEqual({ status: 'ok' });
        expect(live.headers['content-type']).toMatch(/^application\/json/);
        expect(live.headers['x-request-id']).toBe('probe-1');
        expect(live.headers['x-content-type-options']).toBe('nosniff');
        expect(guard).not.toHaveBeenCalled();
        expect((await t.http.head('/health/live')).status).toBe(200);
        // The other probe still goes through Nest's pipeline.
        expect((await t.http.get('/health/ready')).status).toBe(200);
        expect(guard).toHaveBeenCalled();
      } finally {
        guard.mockRestore();
      }
    });
  });

  describe('while the process shuts down', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(async () => t.close());

    it('answers readiness 503 from the start of the drain, so a load balancer stops sending; liveness stays 200', async () => {
      expect((await t.http.get('/health/ready')).status).toBe(200);
      t.get(ShutdownState).beginDraining();
      const ready = await t.http.get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE', detail: 'Not ready: shutting down' });
      expect((await t.http.get('/health/live')).status).toBe(200);
    });
  });

  describe('with Redis unreachable: degraded, never an opaque 500', () => {
    let t: TestApp;
    beforeAll(async () => {
      // Nothing listens on port 1: every Redis command fails.
      t = await createTestApp({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    });
    afterAll(async () => t.close());

    it('stays live, and readiness answers 503 SERVICE_UNAVAILABLE naming Redis', async () => {
      expect((await t.http.get('/health/live')).status).toBe(200);
      const ready = await t.http.get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        checks: { redis: { status: 'down' } },
      });
      expect(ready.body.detail).toContain('redis');
    });

    it('keeps serving ordinary requests (the default rate limit fails open)', async () => {
      const res = await t.http.get('/api/v1/nothing-here');
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    });

    it('refuses login with 503 rather than lose its brute-force protection (the strict limit fails closed)', async () => {
      const res = await t.http
        .post('/api/v1/auth/login')
        .send({ email: 'a@example.cn', password: 'whatever-123' });
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('SERVICE_UNAVAILABLE');
      expect(res.headers['retry-after']).toBe('5');
    });
  });
});

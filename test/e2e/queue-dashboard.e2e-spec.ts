import { createAdmin, registerOrg } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';

describe('queue dashboard (bull-board), admins only', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('refuses a caller without a token: 401 problem+json', async () => {
    const res = await t.http.get('/api/v1/admin/queues');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a signed-in non-admin: 403', async () => {
    const issuer = await registerOrg(t, { role: 'issuer' });
    const page = await t.http.get('/api/v1/admin/queues').set(issuer.headers);
    expect(page.status).toBe(403);
    expect(page.body.code).toBe('FORBIDDEN');
    const session = await t.http.post('/api/v1/queue-dashboard/session').set(issuer.headers);
    expect(session.status).toBe(403);
  });

  it('serves the board and its queue API to an admin bearer token', async () => {
    const admin = await createAdmin(t);
    const page = await t.http.get('/api/v1/admin/queues').set(admin.headers);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Jiebang queues');
    const queues = await t.http.get('/api/v1/admin/queues/api/queues').set(admin.headers);
    expect(queues.status).toBe(200);
    const names = (queues.body.queues as { name: string }[]).map((q) => q.name).sort();
    expect(names).toEqual(['deadlines', 'events', 'outbound']);
  });

  it('lets an admin open a browser session through an HttpOnly cookie scoped to the board', async () => {
    const admin = await createAdmin(t);
    const session = await t.http.post('/api/v1/queue-dashboard/session').set(admin.headers);
    expect(session.status).toBe(204);
    const cookie = (session.headers['set-cookie'] as unknown as string[])[0];
    expect(cookie).toMatch(/^jb_queue_dashboard=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/api\/v1\/admin\/queues/);
    const page = await t.http.get('/api/v1/admin/queues').set('Cookie', cookie.split(';')[0]);
    expect(page.status).toBe(200);
    const forged = await t.http.get('/api/v1/admin/queues').set('Cookie', 'jb_queue_dashboard=not-a-token');
    expect(forged.status).toBe(401);
  });
});

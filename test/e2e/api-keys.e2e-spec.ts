import { Actor, auditRows, createAdmin, registerOrg } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';

describe('API keys', () => {
  let t: TestApp;
  let admin: Actor;
  let issuer: Actor;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createAdmin(t);
    issuer = await registerOrg(t, { role: 'issuer' });
  });
  afterAll(async () => t.close());

  it('refuses non-admins with 403', async () => {
    expect((await t.http.get('/api/v1/api-keys').set(issuer.headers)).status).toBe(403);
    expect((await t.http.post('/api/v1/api-keys').set(issuer.headers).send({ name: 'x' })).status).toBe(403);
  });

  it('shows the secret once, works on apiKey routes only, and is refused once revoked', async () => {
    const created = await t.http
      .post('/api/v1/api-keys')
      .set(admin.headers)
      .send({ name: '江西省科技厅门户', organizationId: issuer.organizationId, scopes: ['stats:read'] });
    expect(created.status).toBe(201);
    const key: string = created.body.key;
    expect(key).toMatch(/^jb_live_[A-Za-z0-9_-]{43}$/);
    expect(created.body.prefix).toBe(key.slice(8, 16));
    expect(created.body.keyHash).toBeUndefined();
    expect(await auditRows(t, 'api_key.created', created.body.id)).toHaveLength(1);

    const list = await t.http.get('/api/v1/api-keys').set(admin.headers);
    expect(list.status).toBe(200);
    const listed = list.body.items.find((k: { id: string }) => k.id === created.body.id);
    expect(listed).toMatchObject({ name: '江西省科技厅门户', prefix: created.body.prefix, revokedAt: null });
    expect(JSON.stringify(list.body)).not.toContain(key.slice(8));
    const [row] = await t.dataSource.query('SELECT key_hash FROM api_keys WHERE id = $1', [created.body.id]);
    expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);

    // A route that allows API keys.
    const me = await t.http.get('/api/v1/me').set('X-Api-Key', key);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      kind: 'api_key',
      roles: ['integration'],
      apiKey: { id: created.body.id, scopes: ['stats:read'] },
    });

    // User-only routes refuse the key.
    const orgs = await t.http.get('/api/v1/organizations').set('X-Api-Key', key);
    expect(orgs.status).toBe(403);
    expect(orgs.body.code).toBe('FORBIDDEN');
    const own = await t.http.get(`/api/v1/organizations/${issuer.organizationId}`).set('X-Api-Key', key);
    expect(own.status).toBe(403);

    const revoked = await t.http.delete(`/api/v1/api-keys/${created.body.id}`).set(admin.headers);
    expect(revoked.status).toBe(204);
    const after = await t.http.get('/api/v1/me').set('X-Api-Key', key);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('UNAUTHENTICATED');
    expect(await auditRows(t, 'api_key.revoked', created.body.id)).toHaveLength(1);
  });

  it('refuses an unknown key with 401', async () => {
    const res = await t.http
      .get('/api/v1/me')
      .set('X-Api-Key', 'jb_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(res.status).toBe(401);
  });

  it('answers 404 when revoking an unknown key', async () => {
    const res = await t.http
      .delete('/api/v1/api-keys/00000000-0000-4000-8000-000000000000')
      .set(admin.headers);
    expect(res.status).toBe(404);
  });
});

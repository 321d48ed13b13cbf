import {
  Actor,
  createAdmin,
  createUser,
  outboxEvents,
  registerOrg,
  validCreditCode,
} from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';

describe('organizations', () => {
  let t: TestApp;
  let admin: Actor;
  let issuerA: Actor;
  let applicantB: Actor;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await createAdmin(t);
    issuerA = await registerOrg(t, { role: 'issuer' });
    applicantB = await registerOrg(t, { role: 'applicant' });
  });
  afterAll(async () => t.close());

  describe('object-level access', () => {
    it("lets a member read its own organization, with an ETag, but answers 404 for another org's", async () => {
      const own = await t.http.get(`/api/v1/organizations/${issuerA.organizationId}`).set(issuerA.headers);
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({ id: issuerA.organizationId, version: 1 });
      expect(own.headers.etag).toBe('"1"');

      const other = await t.http
        .get(`/api/v1/organizations/${applicantB.organizationId}`)
        .set(issuerA.headers);
      expect(other.status).toBe(404);
      expect(other.body.code).toBe('NOT_FOUND');
    });

    it("answers 404 when an issuer patches another org's record, and changes nothing", async () => {
      const res = await t.http
        .patch(`/api/v1/organizations/${applicantB.organizationId}`)
        .set(issuerA.headers)
        .send({ name: 'hijacked' });
      expect(res.status).toBe(404);
      const after = await t.http.get(`/api/v1/organizations/${applicantB.organizationId}`).set(admin.headers);
      expect(after.body.name).not.toBe('hijacked');
    });

    it('lets a member rename its own org (If-Match checked), but not change its type', async () => {
      const ok = await t.http
        .patch(`/api/v1/organizations/${issuerA.organizationId}`)
        .set(issuerA.headers)
        .set('If-Match', '"1"')
        .send({ name: '南昌某装备制造有限公司', regionCode: '360104' });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ name: '南昌某装备制造有限公司', regionCode: '360104', version: 2 });
      expect(ok.headers.etag).toBe('"2"');

      const stale = await t.http
        .patch(`/api/v1/organizations/${issuerA.organizationId}`)
        .set(issuerA.headers)
        .set('If-Match', '"1"')
        .send({ name: 'stale' });
      expect(stale.status).toBe(409);
      expect(stale.body.code).toBe('VERSION_MISMATCH');

      const type = await t.http
        .patch(`/api/v1/organizations/${issuerA.organizationId}`)
        .set(issuerA.headers)
        .send({ type: 'government' });
      expect(type.status).toBe(403);
    });

    it('refuses an expert member with 403: the PATCH role set is admin, issuer, applicant', async () => {
      const expert = await createUser(t, issuerA.organizationId, ['expert']);
      const res = await t.http
        .patch(`/api/v1/organizations/${issuerA.organizationId}`)
        .set(expert.headers)
        .send({ name: 'x' });
      expect(res.status).toBe(403);
    });
  });

  describe('admin endpoints', () => {
    it('refuses non-admins with 403', async () => {
      for (const actor of [issuerA, applicantB]) {
        expect((await t.http.get('/api/v1/organizations').set(actor.headers)).status).toBe(403);
        const create = await t.http.post('/api/v1/organizations').set(actor.headers).send({
          name: 'x',
          type: 'other',
          creditCode: validCreditCode(),
          regionCode: '360100',
        });
        expect(create.status).toBe(403);
        expect(create.body.code).toBe('FORBIDDEN');
        const verify = await t.http
          .post(`/api/v1/organizations/${actor.organizationId}/verify`)
          .set(actor.headers);
        expect(verify.status).toBe(403);
      }
    });

    it('creates organizations, validating the credit code, refusing duplicates', async () => {
      const creditCode = validCreditCode();
      const body = {
        name: '南昌市科技成果转化中心',
        type: 'service_center',
        creditCode,
        regionCode: '360100',
      };
      const created = await t.http.post('/api/v1/organizations').set(admin.headers).send(body);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ ...body, verified: false, parentOrganizationId: null });

      const child = await t.http
        .post('/api/v1/organizations')
        .set(admin.headers)
        .send({
          ...body,
          creditCode: validCreditCode(),
          name: '分中心',
          parentOrganizationId: created.body.id,
        });
      expect(child.status).toBe(201);
      expect(child.body.parentOrganizationId).toBe(created.body.id);

      const cycle = await t.http
        .patch(`/api/v1/organizations/${created.body.id}`)
        .set(admin.headers)
        .send({ parentOrganizationId: child.body.id });
      expect(cycle.status).toBe(422);

      const duplicate = await t.http.post('/api/v1/organizations').set(admin.headers).send(body);
      expect(duplicate.status).toBe(409);

      const bad = await t.http
        .post('/api/v1/organizations')
        .set(admin.headers)
        .send({ ...body, creditCode: '91350100M000100Y42' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['creditCode']);
    });

    it('lists organizations with keyset pagination', async () => {
      const first = await t.http.get('/api/v1/organizations?limit=2').set(admin.headers);
      expect(first.status).toBe(200);
      expect(first.body.items).toHaveLength(2);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await t.http
        .get(`/api/v1/organizations?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`)
        .set(admin.headers);
      expect(second.status).toBe(200);
      const ids = [...first.body.items, ...second.body.items].map((o: { id: string }) => o.id);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('verifies once, publishing organization.verified', async () => {
      const res = await t.http
        .post(`/api/v1/organizations/${applicantB.organizationId}/verify`)
        .set(admin.headers);
      expect(res.status).toBe(200);
      expect(res.body.verified).toBe(true);
      expect(res.body.verifiedAt).toBe(t.clock.now().toISOString());
      const events = await outboxEvents(t, 'organization.verified', applicantB.organizationId);
      expect(events.map((e) => e.data)).toEqual([{ organizationId: applicantB.organizationId }]);

      const again = await t.http
        .post(`/api/v1/organizations/${applicantB.organizationId}/verify`)
        .set(admin.headers);
      expect(again.status).toBe(409);
    });

    it('answers 404 for an unknown or malformed id', async () => {
      const unknown = await t.http
        .get('/api/v1/organizations/00000000-0000-4000-8000-000000000000')
        .set(admin.headers);
      expect(unknown.status).toBe(404);
      expect((await t.http.get('/api/v1/organizations/not-a-uuid').set(admin.headers)).status).toBe(404);
    });
  });
});

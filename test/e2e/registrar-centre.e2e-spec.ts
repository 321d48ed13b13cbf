import { WORLDS_ENV } from '../support/context';
import {
  Actor,
  auditRows,
  bearer,
  createAdmin,
  login,
  registerOrg,
  TEST_PASSWORD,
  uniqueEmail,
} from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';

const fields = (body: { errors?: Array<{ field: string }> }) => (body.errors ?? []).map((e) => e.field);

/**
 * The `registrar` role (技术合同登记, ADR 0061) belongs to service-centre users: a security
 * administrator granting it to a user of another organization type — creation, role change,
 * invitation — answers 422 naming `roles` and writes nothing; granted to a centre's user, it works.
 */
describe('registrar: a service-centre role', () => {
  let t: TestApp;
  let security: Actor;
  let enterprise: Actor;
  let centre: Actor;
  let seller: Actor;

  const userRow = async (id: string) => {
    const [row] = await t.dataSource.query<
      Array<{ roles: string[]; version: number; token_version: number }>
    >(`SELECT roles, version, token_version FROM users WHERE id = $1`, [id]);
    return row;
  };
  const usersWithEmail = async (email: string) =>
    Number(
      (
        await t.dataSource.query<Array<{ n: string }>>(
          `SELECT (SELECT count(*) FROM users WHERE email = $1) + (SELECT count(*) FROM invitations WHERE email = $1) AS n`,
          [email],
        )
      )[0].n,
    );
  const newUser = (organizationId: string, email: string) =>
    t.http
      .post('/api/v1/users')
      .set(security.headers)
      .send({
        organizationId,
        email,
        displayName: '登记员',
        password: TEST_PASSWORD,
        roles: ['registrar'],
      });
  const invite = (organizationId: string, email: string) =>
    t.http
      .post('/api/v1/invitations')
      .set(security.headers)
      .send({ organizationId, email, displayName: '登记员', roles: ['registrar'] });

  beforeAll(async () => {
    t = await createTestApp({ env: WORLDS_ENV });
    t.clock.set('2027-06-20T02:00:00.000Z');
    security = await createAdmin(t);
    enterprise = await registerOrg(t, { role: 'issuer', type: 'enterprise', name: '江西某电机有限公司' });
    centre = await registerOrg(t, { role: 'applicant', type: 'service_center', name: '赣州技术转移中心' });
    seller = await registerOrg(t, { role: 'applicant', type: 'university', name: '江西理工大学' });
  });
  afterAll(async () => t?.close());

  it('refuses registrar for an enterprise user: creation, role change and invitation answer 422 naming roles', async () => {
    const email = uniqueEmail('registrar');
    const created = await newUser(enterprise.organizationId, email);
    expect(created.status).toBe(422);
    expect(created.headers['content-type']).toContain('application/problem+json');
    expect(created.body.code).toBe('BUSINESS_RULE_VIOLATION');
    expect(fields(created.body)).toEqual(['roles']);

    const invited = await invite(enterprise.organizationId, email);
    expect(invited.status).toBe(422);
    expect(invited.body.code).toBe('BUSINESS_RULE_VIOLATION');
    expect(fields(invited.body)).toEqual(['roles']);
    expect(await usersWithEmail(email)).toBe(0);

    const before = await userRow(enterprise.userId);
    const changed = await t.http
      .patch(`/api/v1/users/${enterprise.userId}`)
      .set(security.headers)
      .set('If-Match', `"${before.version}"`)
      .send({ roles: ['issuer', 'registrar'] });
    expect(changed.status).toBe(422);
    expect(changed.body.code).toBe('BUSINESS_RULE_VIOLATION');
    expect(fields(changed.body)).toEqual(['roles']);
    expect(await userRow(enterprise.userId)).toEqual(before);
    expect(await auditRows(t, 'user.roles_changed', enterprise.userId)).toEqual([]);
    // The enterprise user still cannot register anything.
    expect((await t.http.get('/api/v1/contracts/stats/brokers').set(enterprise.headers)).status).toBe(403);
  });

  it("grants registrar to a service centre's user, who then registers a submitted contract", async () => {
    const invited = await invite(centre.organizationId, uniqueEmail('registrar'));
    expect(invited.status).toBe(201);
    expect(invited.body.roles).toEqual(['registrar']);

    const before = await userRow(centre.userId);
    const changed = await t.http
      .patch(`/api/v1/users/${centre.userId}`)
      .set(security.headers)
      .set('If-Match', `"${before.version}"`)
      .send({ roles: ['applicant', 'registrar'] });
    expect(changed.status).toBe(200);
    expect(changed.body.roles).toEqual(['applicant', 'registrar']);

    const email = uniqueEmail('registrar');
    const created = await newUser(centre.organizationId, email);
    expect(created.status).toBe(201);
    const registrar = bearer((await login(t, email)).accessToken);

    const draft = await t.http.post('/api/v1/contracts').set(seller.headers).send({
      title: '稀土永磁电机控制技术转让合同',
      type: 'transfer',
      sellerOrganizationId: seller.organizationId,
      buyerOrganizationId: enterprise.organizationId,
      contractAmountFen: 120_000_000,
      technologyTransactionAmountFen: 100_000_000,
      signedOn: '2027-06-18',
      regionCode: '360700',
      industryChain: 'new_materials',
    });
    expect(draft.status).toBe(201);
    const submitted = await t.http
      .post(`/api/v1/contracts/${draft.body.id}/submit`)
      .set(seller.headers)
      .send({});
    expect(submitted.status).toBe(200);
    const registered = await t.http
      .post(`/api/v1/contracts/${draft.body.id}/register`)
      .set(registrar)
      .send({});
    expect(registered.status).toBe(200);
    expect(registered.body).toMatchObject({
      status: 'registered',
      registrationNumber: 'JS-360700-2027-0001',
    });
  });
});

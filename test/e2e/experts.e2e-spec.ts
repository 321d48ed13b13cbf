import { conflictsOf } from '../../src/modules/evaluation/experts/conflicts';
import { ExpertsRepository } from '../../src/modules/evaluation/experts/experts.repository';
import { TestContext } from '../support/context';
import { Actor, auditRows, createAdmin, createUser, registerOrg } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';

function fields(body: { errors?: Array<{ field: string }> }): string[] {
  return (body.errors ?? []).map((e) => e.field);
}

interface ExpertBody {
  id: string;
  version: number;
  user: { id: string; organizationId: string };
  affiliationOrganization: { id: string; type: string };
  collaborations: Array<{ organization: { id: string }; fromYear: number; toYear: number | null }>;
  [key: string]: unknown;
}

describe('experts', () => {
  let t: TestApp;
  let ctx: TestContext;
  let admin: Actor;
  let university: Actor;
  let enterprise: Actor;
  let institute: Actor;
  let applicant: Actor;

  beforeAll(async () => {
    t = await createTestApp();
    ctx = new TestContext(t);
    admin = await createAdmin(t);
    university = await registerOrg(t, { role: 'applicant', type: 'university', name: '南昌大学' });
    enterprise = await registerOrg(t, { role: 'issuer', type: 'enterprise', name: '江西某稀土集团' });
    institute = await registerOrg(t, {
      role: 'applicant',
      type: 'research_institute',
      name: '江西省某研究院',
    });
    applicant = await createUser(t, university.organizationId, ['applicant']);
  });
  afterAll(async () => t?.close());

  const expertUser = (organizationId = university.organizationId) =>
    createUser(t, organizationId, ['expert']);

  const profileBody = (user: Actor, overrides: Record<string, unknown> = {}) => ({
    userId: user.userId,
    title: '教授',
    industryChains: ['new_materials', 'rare_earths'],
    keywords: ['高温超导', '稀土永磁'],
    collaborations: [],
    ...overrides,
  });

  const createProfile = async (user: Actor, overrides: Record<string, unknown> = {}): Promise<ExpertBody> => {
    const res = await t.http.post('/api/v1/experts').set(admin.headers).send(profileBody(user, overrides));
    if (res.status !== 201) throw new Error(`expert: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as ExpertBody;
  };

  const auditEvent = async (action: string, objectId: string) => {
    const [row] = await t.dataSource.query<
      Array<{ actor_id: string; before: Record<string, unknown> | null; after: Record<string, unknown> }>
    >(
      `SELECT actor_id, before, after FROM audit_events WHERE action = $1 AND object_id = $2
       ORDER BY occurred_at DESC, id DESC LIMIT 1`,
      [action, objectId],
    );
    return row;
  };

  describe('creating', () => {
    it('creates a profile with an affiliation apart from the account, and collaborations, audited', async () => {
      const user = await expertUser(institute.organizationId);
      const res = await t.http
        .post('/api/v1/experts')
        .set(admin.headers)
        .send(
          profileBody(user, {
            affiliationOrganizationId: university.organizationId,
            keywords: [' 高温超导 ', '稀土永磁', '高温超导'],
            collaborations: [
              {
                organizationId: enterprise.organizationId,
                description: '联合攻关',
                fromYear: 2022,
                toYear: 2024,
              },
              { organizationId: institute.organizationId, description: '', fromYear: 2025 },
            ],
          }),
        );
      expect(res.status).toBe(201);
      expect(res.headers.etag).toBe('"1"');
      expect(res.body).toMatchObject({
        user: { id: user.userId, organizationId: institute.organizationId, enabled: true },
        affiliationOrganization: { id: university.organizationId, name: '南昌大学', type: 'university' },
        title: '教授',
        industryChains: ['new_materials', 'rare_earths'],
        keywords: ['高温超导', '稀土永磁'],
        collaborations: [
          {
            organization: { id: enterprise.organizationId, type: 'enterprise' },
            description: '联合攻关',
            fromYear: 2022,
            toYear: 2024,
          },
          { organization: { id: institute.organizationId }, description: '', fromYear: 2025, toYear: null },
        ],
        active: true,
        version: 1,
      });
      const event = await auditEvent('expert.created', res.body.id);
      expect(event).toMatchObject({
        actor_id: admin.userId,
        before: null,
        after: {
          userId: user.userId,
          affiliationOrganizationId: university.organizationId,
          industryChains: ['new_materials', 'rare_earths'],
          collaborations: [
            { organizationId: enterprise.organizationId, fromYear: 2022, toYear: 2024 },
            { organizationId: institute.organizationId, fromYear: 2025, toYear: null },
          ],
          active: true,
          version: 1,
        },
      });
    });

    it("stores the user's own organization as affiliation when none is given", async () => {
      const user = await expertUser(enterprise.organizationId);
      const expert = await createProfile(user, { active: false });
      expect(expert.affiliationOrganization).toMatchObject({
        id: enterprise.organizationId,
        type: 'enterprise',
      });
      expect(expert.active).toBe(false);
      const [row] = await t.dataSource.query<Array<{ affiliation_organization_id: string }>>(
        `SELECT affiliation_organization_id FROM experts WHERE id = $1`,
        [expert.id],
      );
      expect(row.affiliation_organization_id).toBe(enterprise.organizationId);
    });

    it('refuses a user without the expert role, a disabled one and an unknown one (400 userId)', async () => {
      const disabled = await expertUser();
      await ctx.changeUser(admin, disabled, { enabled: false });
      for (const userId of [applicant.userId, disabled.userId, '00000000-0000-4000-8000-000000000000']) {
        const res = await t.http
          .post('/api/v1/experts')
          .set(admin.headers)
          .send({ ...profileBody(applicant), userId });
        expect(res.status).toBe(400);
        expect(fields(res.body)).toEqual(['userId']);
      }
      const [{ count }] = await t.dataSource.query<Array<{ count: string }>>(
        `SELECT count(*)::text AS count FROM experts WHERE user_id = ANY($1::uuid[])`,
        [[applicant.userId, disabled.userId]],
      );
      expect(count).toBe('0');
    });

    it('allows one profile per user: a second answers 409 ALREADY_EXISTS', async () => {
      const user = await expertUser();
      const profile = await createProfile(user);
      const audited = (await auditRows(t, 'expert.created')).length;
      const res = await t.http.post('/api/v1/experts').set(admin.headers).send(profileBody(user));
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('ALREADY_EXISTS');
      // The first profile was audited once; the refused second one adds no row.
      expect(await auditRows(t, 'expert.created', profile.id)).toHaveLength(1);
      expect(await auditRows(t, 'expert.created')).toHaveLength(audited);
    });

    it('refuses unknown or inactive industry chains, unknown organizations and backwards periods, each by field', async () => {
      const retired = await ctx.newRetiredIndustryChain(admin);
      const user = await expertUser();
      const res = await t.http
        .post('/api/v1/experts')
        .set(admin.headers)
        .send(
          profileBody(user, {
            affiliationOrganizationId: '00000000-0000-4000-8000-000000000001',
            industryChains: ['new_materials', 'no_such_chain', retired],
            collaborations: [
              { organizationId: enterprise.organizationId, description: '', fromYear: 2020, toYear: 2021 },
              { organizationId: '00000000-0000-4000-8000-000000000002', description: '', fromYear: 2020 },
              { organizationId: enterprise.organizationId, description: '', fromYear: 2024, toYear: 2023 },
            ],
          }),
        );
      expect(res.status).toBe(400);
      expect(fields(res.body).sort()).toEqual(
        [
          'affiliationOrganizationId',
          'collaborations[1].organizationId',
          'collaborations[2].toYear',
          'industryChains[1]',
          'industryChains[2]',
        ].sort(),
      );
      expect(res.body.errors).toContainEqual({
        field: 'industryChains[2]',
        message: expect.stringContaining('no longer in use'),
      });
    });

    it('refuses bad shapes: no industry chain, a repeated one, unknown fields, out-of-range years', async () => {
      const user = await expertUser();
      const res = await t.http
        .post('/api/v1/experts')
        .set(admin.headers)
        .send({
          ...profileBody(user, { industryChains: [] }),
          collaborations: [{ organizationId: enterprise.organizationId, description: '', fromYear: 1800 }],
          extra: 1,
        });
      expect(res.status).toBe(400);
      expect(fields(res.body).sort()).toEqual(
        ['collaborations[0].fromYear', 'extra', 'industryChains'].sort(),
      );
      const repeated = await t.http
        .post('/api/v1/experts')
        .set(admin.headers)
        .send(profileBody(user, { industryChains: ['new_materials', 'new_materials'] }));
      expect(repeated.status).toBe(400);
      expect(fields(repeated.body)).toEqual(['industryChains']);
    });

    it('is for admins only (403 for an expert or an applicant, 401 anonymous)', async () => {
      const user = await expertUser();
      for (const actor of [user, applicant]) {
        const res = await t.http.post('/api/v1/experts').set(actor.headers).send(profileBody(user));
        expect(res.status).toBe(403);
      }
      expect((await t.http.post('/api/v1/experts').send(profileBody(user))).status).toBe(401);
    });
  });

  describe('reading', () => {
    let own: Actor;
    let other: Actor;
    let ownProfile: ExpertBody;
    let otherProfile: ExpertBody;

    beforeAll(async () => {
      own = await expertUser();
      other = await expertUser();
      ownProfile = await createProfile(own);
      otherProfile = await createProfile(other);
    });

    it('the expert reads its own profile, by id and as /experts/me, with the ETag', async () => {
      const byId = await t.http.get(`/api/v1/experts/${ownProfile.id}`).set(own.headers);
      expect(byId.status).toBe(200);
      expect(byId.headers.etag).toBe('"1"');
      expect(byId.body).toEqual(ownProfile);
      const me = await t.http.get('/api/v1/experts/me').set(own.headers);
      expect(me.status).toBe(200);
      expect(me.body).toEqual(ownProfile);
    });

    it("an expert gets 404 for another expert's profile; /me without a profile is 404", async () => {
      const res = await t.http.get(`/api/v1/experts/${otherProfile.id}`).set(own.headers);
      expect(res.status).toBe(404);
      const newcomer = await expertUser();
      expect((await t.http.get('/api/v1/experts/me').set(newcomer.headers)).status).toBe(404);
    });

    it('admins read any profile; other roles are refused (403), unknown ids are 404', async () => {
      expect((await t.http.get(`/api/v1/experts/${otherProfile.id}`).set(admin.headers)).status).toBe(200);
      expect((await t.http.get(`/api/v1/experts/${otherProfile.id}`).set(applicant.headers)).status).toBe(
        403,
      );
      expect((await t.http.get('/api/v1/experts/me').set(admin.headers)).status).toBe(403);
      expect(
        (await t.http.get('/api/v1/experts/00000000-0000-4000-8000-000000000000').set(admin.headers)).status,
      ).toBe(404);
      expect((await t.http.get('/api/v1/experts/not-a-uuid').set(admin.headers)).status).toBe(404);
    });
  });

  describe('listing', () => {
    let ids: Record<'superconductor' | 'battery' | 'idle', string>;

    beforeAll(async () => {
      // Newest first: one second apart, so the order does not fall back on the ids.
      t.clock.advance(1000);
      const superconductor = await createProfile(await expertUser(), {
        industryChains: ['electronic_information'],
        keywords: ['超导电缆'],
      });
      t.clock.advance(1000);
      const battery = await createProfile(await expertUser(enterprise.organizationId), {
        industryChains: ['electronic_information', 'new_energy'],
        keywords: ['Lithium battery'],
      });
      t.clock.advance(1000);
      const idle = await createProfile(await expertUser(), {
        industryChains: ['electronic_information'],
        keywords: ['超导'],
        active: false,
      });
      ids = { superconductor: superconductor.id, battery: battery.id, idle: idle.id };
    });

    const list = async (query: string) => {
      const res = await t.http.get(`/api/v1/experts?${query}`).set(admin.headers);
      expect(res.status).toBe(200);
      return res.body as { items: Array<{ id: string }>; nextCursor: string | null };
    };
    const idsOf = (page: { items: Array<{ id: string }> }) => page.items.map((e) => e.id);

    it('filters by industry chain, active flag, affiliation and keyword, newest first', async () => {
      expect(idsOf(await list('industryChain=electronic_information'))).toEqual([
        ids.idle,
        ids.battery,
        ids.superconductor,
      ]);
      expect(idsOf(await list('industryChain=electronic_information&active=true'))).toEqual([
        ids.battery,
        ids.superconductor,
      ]);
      expect(idsOf(await list('industryChain=new_energy'))).toEqual([ids.battery]);
      expect(idsOf(await list('industryChain=electronic_information&q=超导'))).toEqual([
        ids.idle,
        ids.superconductor,
      ]);
      expect(idsOf(await list('q=lithium'))).toEqual([ids.battery]);
      expect(
        idsOf(
          await list(
            `industryChain=electronic_information&affiliationOrganizationId=${enterprise.organizationId}`,
          ),
        ),
      ).toEqual([ids.battery]);
    });

    it('pages with a cursor, without repeats', async () => {
      const first = await list('industryChain=electronic_information&limit=2');
      expect(first.items).toHaveLength(2);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await list(
        `industryChain=electronic_information&limit=2&cursor=${encodeURIComponent(first.nextCursor as string)}`,
      );
      expect([...idsOf(first), ...idsOf(second)]).toEqual([ids.idle, ids.battery, ids.superconductor]);
      expect(second.nextCursor).toBeNull();
      expect(second.items[0]).not.toHaveProperty('collaborations');
    });

    it('refuses bad filters (400) and non-admins (403)', async () => {
      expect((await t.http.get('/api/v1/experts?active=maybe').set(admin.headers)).status).toBe(400);
      expect((await t.http.get('/api/v1/experts?industryChain=新材料').set(admin.headers)).status).toBe(400);
      const user = await expertUser();
      expect((await t.http.get('/api/v1/experts').set(user.headers)).status).toBe(403);
      expect((await t.http.get('/api/v1/experts').set(applicant.headers)).status).toBe(403);
    });
  });

  describe('editing', () => {
    let own: Actor;
    let expert: ExpertBody;

    beforeEach(async () => {
      own = await expertUser();
      expert = await createProfile(own, {
        collaborations: [
          { organizationId: institute.organizationId, description: '合作', fromYear: 2018, toYear: 2019 },
        ],
      });
    });

    const patch = (
      actor: Actor,
      body: Record<string, unknown>,
      ifMatch: string | null = '"1"',
      id = expert.id,
    ) => {
      const req = t.http.patch(`/api/v1/experts/${id}`).set(actor.headers);
      if (ifMatch !== null) req.set('If-Match', ifMatch);
      return req.send(body);
    };

    it('the expert changes its own title, fields, keywords, affiliation and collaborations (replaced whole), audited', async () => {
      const res = await patch(own, {
        title: '研究员',
        industryChains: ['new_energy'],
        keywords: ['储能'],
        affiliationOrganizationId: enterprise.organizationId,
        collaborations: [{ organizationId: enterprise.organizationId, description: '顾问', fromYear: 2026 }],
      });
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"2"');
      expect(res.body).toMatchObject({
        title: '研究员',
        industryChains: ['new_energy'],
        keywords: ['储能'],
        affiliationOrganization: { id: enterprise.organizationId, type: 'enterprise' },
        collaborations: [
          {
            organization: { id: enterprise.organizationId },
            description: '顾问',
            fromYear: 2026,
            toYear: null,
          },
        ],
        active: true,
        version: 2,
      });
      const event = await auditEvent('expert.updated', expert.id);
      expect(event.actor_id).toBe(own.userId);
      expect(event.before).toMatchObject({
        affiliationOrganizationId: university.organizationId,
        title: '教授',
        collaborations: [{ organizationId: institute.organizationId, fromYear: 2018, toYear: 2019 }],
        version: 1,
      });
      expect(event.after).toMatchObject({
        affiliationOrganizationId: enterprise.organizationId,
        title: '研究员',
        collaborations: [{ organizationId: enterprise.organizationId, fromYear: 2026, toYear: null }],
        version: 2,
      });
    });

    it('keeps what is not given; an empty list clears the collaborations', async () => {
      const res = await patch(own, { collaborations: [] });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        title: '教授',
        industryChains: ['new_materials', 'rare_earths'],
        keywords: ['高温超导', '稀土永磁'],
        collaborations: [],
        version: 2,
      });
      const rows = await t.dataSource.query(`SELECT 1 FROM expert_collaborations WHERE expert_id = $1`, [
        expert.id,
      ]);
      expect(rows).toHaveLength(0);
    });

    it('the expert cannot change active (403), nothing changes', async () => {
      const res = await patch(own, { active: false, title: '研究员' });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
      const now = await t.http.get(`/api/v1/experts/${expert.id}`).set(own.headers);
      expect(now.body).toMatchObject({ active: true, title: '教授', version: 1 });
      expect(await auditRows(t, 'expert.updated', expert.id)).toHaveLength(0);
    });

    it('admins change everything, active included', async () => {
      const res = await patch(admin, { active: false, affiliationOrganizationId: institute.organizationId });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        active: false,
        affiliationOrganization: { type: 'research_institute' },
      });
      expect(await auditRows(t, 'expert.updated', expert.id)).toEqual([
        expect.objectContaining({ actor_id: admin.userId }),
      ]);
    });

    it('requires If-Match (428), refuses a stale one (409 VERSION_MISMATCH)', async () => {
      const missing = await patch(own, { title: '研究员' }, null);
      expect(missing.status).toBe(428);
      expect(missing.body.code).toBe('PRECONDITION_REQUIRED');
      expect((await patch(own, { title: '研究员' })).status).toBe(200);
      const stale = await patch(admin, { title: '教授' }, '"1"');
      expect(stale.status).toBe(409);
      expect(stale.body.code).toBe('VERSION_MISMATCH');
      expect(await auditRows(t, 'expert.updated', expert.id)).toHaveLength(1);
    });

    it('another expert gets 404; other roles 403; bad values 400', async () => {
      const other = await expertUser();
      await createProfile(other);
      expect((await patch(other, { title: 'x' })).status).toBe(404);
      expect((await patch(applicant, { title: 'x' })).status).toBe(403);
      const shape = await patch(own, { title: null, active: null, industryChains: [] });
      expect(shape.status).toBe(400);
      expect([...new Set(fields(shape.body))].sort()).toEqual(['active', 'industryChains', 'title']);
      const rules = await patch(own, {
        industryChains: ['no_such_chain'],
        affiliationOrganizationId: '00000000-0000-4000-8000-000000000003',
        collaborations: [
          { organizationId: enterprise.organizationId, description: '', fromYear: 2020, toYear: 2010 },
        ],
      });
      expect(rules.status).toBe(400);
      expect(fields(rules.body).sort()).toEqual(
        ['affiliationOrganizationId', 'collaborations[0].toYear', 'industryChains[0]'].sort(),
      );
      expect(await auditRows(t, 'expert.updated', expert.id)).toHaveLength(0);
    });
  });

  describe('the panel draw reads the pool (findActiveForChain)', () => {
    it('returns only active experts of the chain with enabled expert accounts, their affiliation type and collaborations', async () => {
      const chain = 'aviation';
      const drawn = await expertUser(institute.organizationId);
      const drawnProfile = await createProfile(drawn, {
        industryChains: ['new_materials', chain],
        affiliationOrganizationId: enterprise.organizationId,
        collaborations: [
          { organizationId: university.organizationId, description: '', fromYear: 2020, toYear: 2024 },
          { organizationId: institute.organizationId, description: '', fromYear: 2025 },
        ],
      });
      const plain = await expertUser();
      const plainProfile = await createProfile(plain, { industryChains: [chain] });
      await createProfile(await expertUser(), { industryChains: [chain], active: false });
      await createProfile(await expertUser(), { industryChains: ['new_materials'] });
      const disabled = await expertUser();
      await createProfile(disabled, { industryChains: [chain] });
      await ctx.changeUser(admin, disabled, { enabled: false });
      const demoted = await expertUser();
      await createProfile(demoted, { industryChains: [chain] });
      await ctx.changeUser(admin, demoted, { roles: ['applicant'] });

      const repository = t.get(ExpertsRepository);
      const found = await repository.findActiveForChain(t.dataSource.manager, chain);
      expect(found.map((e) => e.expertId).sort()).toEqual([drawnProfile.id, plainProfile.id].sort());
      expect(found.find((e) => e.expertId === drawnProfile.id)).toEqual({
        expertId: drawnProfile.id,
        userId: drawn.userId,
        affiliationOrganizationId: enterprise.organizationId,
        affiliationType: 'enterprise',
        userOrganizationId: institute.organizationId,
        // The fields of expertise the draw compares with the list's public text (ADR 0060).
        keywords: ['高温超导', '稀土永磁'],
        collaborations: [
          { organizationId: university.organizationId, fromYear: 2020, toYear: 2024 },
          { organizationId: institute.organizationId, fromYear: 2025, toYear: null },
        ],
      });
      expect(found.find((e) => e.expertId === plainProfile.id)).toMatchObject({
        affiliationType: 'university',
        collaborations: [],
      });
      expect(
        await repository.findActiveForChain(t.dataSource.manager, 'traditional_chinese_medicine'),
      ).toEqual([]);

      // What the draw does with it (the clock is in 2027: a 3-year window reaches back to 2024, a
      // 2-year one to 2025): the account's organization and a recent collaboration both count.
      const [drawnExpert] = found.filter((e) => e.expertId === drawnProfile.id);
      const now = t.clock.now();
      const parties = (bidders: string[]) => ({
        issuerOrganizationId: '00000000-0000-4000-8000-000000000009',
        applicantOrganizationIds: bidders,
        memberUserIds: [],
      });
      expect(
        conflictsOf(drawnExpert, parties([university.organizationId]), 3, now).map((c) => c.kind),
      ).toEqual(['recent_collaboration']);
      expect(conflictsOf(drawnExpert, parties([university.organizationId]), 2, now)).toEqual([]);
      expect(
        conflictsOf(drawnExpert, parties([institute.organizationId]), 3, now).map((c) => c.kind),
      ).toEqual(['bidder_affiliation', 'recent_collaboration']);

      // The declaration reads one expert as it is now, whatever its active flag.
      expect(await repository.findForConflicts(t.dataSource.manager, drawnProfile.id)).toEqual(drawnExpert);
      expect(
        await repository.findForConflicts(t.dataSource.manager, '00000000-0000-4000-8000-000000000000'),
      ).toBeNull();
    });
  });
});

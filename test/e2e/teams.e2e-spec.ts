import { TeamsService } from '../../src/modules/call/teams/teams.service';
import { ACTIVE_APPLICATION_STATUSES } from '../../src/modules/call/teams/team-rules';
import { submittedBid } from '../support/applications';
import { createProgram, publishChallenge } from '../support/challenges';
import { TestContext } from '../support/context';
import { Actor, auditRows, createAdmin, createUser, registerOrg } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/workers';

function fields(body: { errors?: Array<{ field: string }> }): string[] {
  return (body.errors ?? []).map((e) => e.field);
}

const BID_STATUSES = [
  'draft',
  'submitted',
  'eligible',
  'ineligible',
  'returned',
  'under_review',
  'shortlisted',
  'selected',
  'not_selected',
  'withdrawn',
] as const;

describe('teams', () => {
  let t: TestApp;
  let ctx: TestContext;
  let admin: Actor;
  let lead: Actor;
  let partner: Actor;
  let stranger: Actor;
  let issuer: Actor;
  let challengeId: string;

  beforeAll(async () => {
    t = await createTestApp();
    ctx = new TestContext(t);
    admin = await createAdmin(t);
    lead = await registerOrg(t, { role: 'applicant', type: 'university', name: '南昌大学' });
    partner = await registerOrg(t, { role: 'applicant', type: 'enterprise', name: '江西某超导科技有限公司' });
    stranger = await registerOrg(t, { role: 'applicant' });
    issuer = await registerOrg(t, { role: 'issuer', name: '江西某电网公司' });
    const programId = await createProgram(t, admin);
    challengeId = (await publishChallenge(t, issuer, admin, programId)).id;
  });
  afterAll(async () => t?.close());

  /** A 60/40 team of `lead` with `partner` as consortium member and two people without accounts. */
  const teamBody = (overrides: Record<string, unknown> = {}) => ({
    name: '高温超导电缆攻关团队',
    leaderUserId: lead.userId,
    leadSharePercent: 60,
    consortium: [{ organizationId: partner.organizationId, role: '样机工程化与中试', sharePercent: 40 }],
    members: [
      { name: '李明', title: '助理研究员', role: '超导带材制备', organizationId: lead.organizationId },
      { name: '王芳', title: '', role: '中试线', organizationId: partner.organizationId },
    ],
    ...overrides,
  });

  const createTeam = async (overrides: Record<string, unknown> = {}, actor = lead) => {
    const res = await t.http.post('/api/v1/teams').set(actor.headers).send(teamBody(overrides));
    if (res.status !== 201) throw new Error(`team: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; version: number } & Record<string, unknown>;
  };

  /**
   * A bid row in `status`, written by SQL on purpose: for the table of every status and for the race,
   * where the bid is written inside a transaction the test holds open (no API does either).
   */
  const insertBid = async (teamId: string, status: string, em = t.dataSource.manager): Promise<string> => {
    const now = t.clock.now();
    const [row] = await em.query<Array<{ id: string }>>(
      `INSERT INTO applications (challenge_id, team_id, lead_organization_id, leader_user_id, status,
         technical_plan, requested_fiscal_fen, submitted_at, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, '技术方案摘要', 100000000, $6, $4, $6, $6) RETURNING id`,
      [challengeId, teamId, lead.organizationId, lead.userId, status, now],
    );
    return row.id;
  };

  describe('creating', () => {
    it('creates a team with a two-organization consortium (60/40) and members without accounts, audited', async () => {
      const res = await t.http.post('/api/v1/teams').set(lead.headers).send(teamBody());
      expect(res.status).toBe(201);
      expect(res.headers.etag).toBe('"1"');
      expect(res.body).toMatchObject({
        name: '高温超导电缆攻关团队',
        leadOrganization: {
          id: lead.organizationId,
          name: '南昌大学',
          type: 'university',
          regionCode: '360100',
        },
        leader: { id: lead.userId },
        leadSharePercent: 60,
        consortium: [
          {
            organization: { id: partner.organizationId, type: 'enterprise', regionCode: '360100' },
            role: '样机工程化与中试',
            sharePercent: 40,
          },
        ],
        members: [
          {
            name: '李明',
            title: '助理研究员',
            role: '超导带材制备',
            organizationId: lead.organizationId,
            userId: null,
          },
          { name: '王芳', title: '', role: '中试线', organizationId: partner.organizationId, userId: null },
        ],
        version: 1,
        createdBy: lead.userId,
      });
      const rows = await auditRows(t, 'team.created', res.body.id);
      expect(rows).toEqual([expect.objectContaining({ actor_type: 'user', actor_id: lead.userId })]);
    });

    it('accepts a team without consortium and shares, and members with accounts of their organization', async () => {
      const colleague = await createUser(t, lead.organizationId, ['applicant']);
      const team = await createTeam({
        leadSharePercent: undefined,
        consortium: undefined,
        members: [
          {
            name: '张三',
            title: '博士研究生',
            role: '测试',
            organizationId: lead.organizationId,
            userId: colleague.userId,
          },
        ],
      });
      expect(team).toMatchObject({ leadSharePercent: null, consortium: [] });
      expect(team.members).toEqual([expect.objectContaining({ userId: colleague.userId })]);
      expect(
        (await createTeam({ leadSharePercent: 100, consortium: [], members: [] })).leadSharePercent,
      ).toBe(100);
    });

    it('refuses shares summing to 99, naming the sum', async () => {
      const res = await t.http
        .post('/api/v1/teams')
        .set(lead.headers)
        .send(
          teamBody({
            consortium: [{ organizationId: partner.organizationId, role: '中试', sharePercent: 39 }],
          }),
        );
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors).toEqual([{ field: 'consortium', message: expect.stringContaining('= 99') }]);
    });

    it('wants shares all or none, and a lead share of 100 (or none) without consortium', async () => {
      const partial = await t.http
        .post('/api/v1/teams')
        .set(lead.headers)
        .send(teamBody({ leadSharePercent: undefined }));
      expect(partial.status).toBe(400);
      expect(fields(partial.body)).toEqual(['leadSharePercent']);

      const alone = await t.http
        .post('/api/v1/teams')
        .set(lead.headers)
        .send(teamBody({ leadSharePercent: 80, consortium: [], members: [] }));
      expect(alone.status).toBe(400);
      expect(fields(alone.body)).toEqual(['leadSharePercent']);
    });

    it('refuses a leader from another organization, a disabled leader and an unknown one', async () => {
      const other = await t.http
        .post('/api/v1/teams')
        .set(lead.headers)
        .send(teamBody({ leaderUserId: partner.userId }));
      expect(other.status).toBe(400);
      expect(fields(other.body)).toEqual(['leaderUserId']);

      const retired = await createUser(t, lead.organizationId, ['applicant']);
      const disable = await t.http
        .patch(`/api/v1/users/${retired.userId}`)
        .set(admin.headers)
        .send({ enabled: false });
      expect(disable.status).toBe(200);
      const disabled = await t.http
        .post('/api/v1/teams')
        .set(lead.headers)
        .send(teamBody({ leaderUserId: retired.userId }));
      expect(disabled.status).toBe(400);
      expect(fields(disabled.body)).toEqual(['leaderUserId']);

      const unknown = await t.http
        .post('/api/v1/teams')
        .set(lead.headers)
        .send(teamBody({ leaderUserId: '00000000-0000-4000-8000-000000000000' }));
      expect(fields(unknown.body)).toEqual(['leaderUserId']);
    });

    it('refuses a member of an organization outside the team, and an account of another organization', async () => {
      const outside = await t.http
        .post('/api/v1/teams')
        .set(lead.headers)
        .send(
          teamBody({
            members: [
              { name: '李明', title: '', role: '制备', organizationId: lead.organizationId },
              { name: '赵四', title: '教授', role: '顾问', organizationId: stranger.organizationId },
            ],
          }),
        );
      expect(outside.status).toBe(400);
      expect(fields(outside.body)).toEqual(['members[1].organizationId']);

      const account = await t.http
        .post('/api/v1/teams')
        .set(lead.headers)
        .send(
          teamBody({
            members: [
              {
                name: '王芳',
                title: '',
                role: '中试',
                organizationId: lead.organizationId,
                userId: partner.userId,
              },
            ],
          }),
        );
      expect(account.status).toBe(400);
      expect(fields(account.body)).toEqual(['members[0].userId']);
    });

    it('refuses the lead organization, a repeated or an unknown organization in the consortium', async () => {
      const res = await t.http
        .post('/api/v1/teams')
        .set(lead.headers)
        .send(
          teamBody({
            leadSharePercent: undefined,
            members: [],
            consortium: [
              { organizationId: lead.organizationId, role: 'x' },
              { organizationId: partner.organizationId, role: 'y' },
              { organizationId: partner.organizationId, role: 'z' },
              { organizationId: '00000000-0000-4000-8000-000000000000', role: 'w' },
            ],
          }),
        );
      expect(res.status).toBe(400);
      expect(fields(res.body)).toEqual([
        'consortium[0].organizationId',
        'consortium[2].organizationId',
        'consortium[3].organizationId',
      ]);
    });

    it('refuses oversized lists and unknown fields', async () => {
      const many = Array.from({ length: 21 }, () => ({ organizationId: partner.organizationId, role: 'x' }));
      const big = await t.http
        .post('/api/v1/teams')
        .set(lead.headers)
        .send(teamBody({ leadSharePercent: undefined, consortium: many, members: [] }));
      expect(big.status).toBe(400);
      expect(fields(big.body)).toContain('consortium');

      const people = Array.from({ length: 101 }, (_, i) => ({
        name: `成员${i}`,
        title: '',
        role: 'r',
        organizationId: lead.organizationId,
      }));
      const crowd = await t.http
        .post('/api/v1/teams')
        .set(lead.headers)
        .send(teamBody({ members: people }));
      expect(crowd.status).toBe(400);
      expect(fields(crowd.body)).toContain('members');

      const extra = await t.http
        .post('/api/v1/teams')
        .set(lead.headers)
        .send(teamBody({ age: 35 }));
      expect(extra.status).toBe(400);
      expect(fields(extra.body)).toEqual(['age']);
    });

    it('refuses the issuer role with 403', async () => {
      const res = await t.http.post('/api/v1/teams').set(issuer.headers).send(teamBody());
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    });
  });

  describe('reading', () => {
    it('shows a team to its lead organization, consortium members and admins; 404 for anyone else', async () => {
      const team = await createTeam();
      for (const actor of [lead, partner, admin]) {
        const res = await t.http.get(`/api/v1/teams/${team.id}`).set(actor.headers);
        expect(res.status).toBe(200);
        expect(res.headers.etag).toBe('"1"');
        expect(res.body.members).toHaveLength(2);
      }
      const other = await t.http.get(`/api/v1/teams/${team.id}`).set(stranger.headers);
      expect(other.status).toBe(404);
      expect(other.body.code).toBe('NOT_FOUND');
      const missing = await t.http
        .get('/api/v1/teams/00000000-0000-4000-8000-000000000000')
        .set(lead.headers);
      expect(missing.status).toBe(404);
      expect((await t.http.get('/api/v1/teams/not-a-uuid').set(lead.headers)).status).toBe(404);
    });

    it('lists own teams newest first with a cursor; consortium memberships on request; admins filter', async () => {
      const owner = await registerOrg(t, { role: 'applicant' });
      const first = await createTeam({ leaderUserId: owner.userId, name: '第一队', members: [] }, owner);
      t.clock.advance(1000);
      const second = await createTeam({ leaderUserId: owner.userId, name: '第二队', members: [] }, owner);
      t.clock.advance(1000);

      const page1 = await t.http.get('/api/v1/teams').query({ limit: 1 }).set(owner.headers);
      expect(page1.status).toBe(200);
      expect(page1.body.items.map((i: { id: string }) => i.id)).toEqual([second.id]);
      expect(page1.body.items[0]).toMatchObject({
        name: '第二队',
        leadOrganization: { id: owner.organizationId },
        leader: { id: owner.userId },
        leadSharePercent: 60,
        version: 1,
      });
      expect(page1.body.items[0].members).toBeUndefined();
      const page2 = await t.http
        .get('/api/v1/teams')
        .query({ limit: 1, cursor: page1.body.nextCursor })
        .set(owner.headers);
      expect(page2.body.items.map((i: { id: string }) => i.id)).toEqual([first.id]);
      expect(page2.body.nextCursor).toBeNull();

      const asPartner = await t.http
        .get('/api/v1/teams')
        .query({ membership: 'consortium', limit: 100 })
        .set(partner.headers);
      expect(asPartner.body.items.map((i: { id: string }) => i.id)).toEqual(
        expect.arrayContaining([first.id, second.id]),
      );
      const strangers = await t.http.get('/api/v1/teams').set(stranger.headers);
      expect(strangers.body.items).toEqual([]);

      const byAdmin = await t.http
        .get('/api/v1/teams')
        .query({ organizationId: owner.organizationId })
        .set(admin.headers);
      expect(byAdmin.body.items.map((i: { id: string }) => i.id)).toEqual([second.id, first.id]);
      const all = await t.http.get('/api/v1/teams').query({ limit: 100 }).set(admin.headers);
      expect(all.body.items.length).toBeGreaterThanOrEqual(2);

      const nosy = await t.http
        .get('/api/v1/teams')
        .query({ organizationId: owner.organizationId })
        .set(stranger.headers);
      expect(nosy.status).toBe(403);
    });
  });

  describe('editing', () => {
    it('patches name, leader and lead share with If-Match, bumping the version, audited', async () => {
      const team = await createTeam({ leadSharePercent: undefined, consortium: [], members: [] });
      const deputy = await createUser(t, lead.organizationId, ['applicant']);
      const res = await t.http
        .patch(`/api/v1/teams/${team.id}`)
        .set(lead.headers)
        .set('If-Match', '"1"')
        .send({ name: '  新团队名  ', leaderUserId: deputy.userId, leadSharePercent: 100 });
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"2"');
      expect(res.body).toMatchObject({
        name: '新团队名',
        leader: { id: deputy.userId },
        leadSharePercent: 100,
        version: 2,
      });
      expect(await auditRows(t, 'team.updated', team.id)).toHaveLength(1);
      const [event] = await t.dataSource.query(
        `SELECT before, after FROM audit_events WHERE action = 'team.updated' AND object_id = $1`,
        [team.id],
      );
      expect(event.before).toMatchObject({
        name: '高温超导电缆攻关团队',
        leaderUserId: lead.userId,
        version: 1,
      });
      expect(event.after).toMatchObject({ name: '新团队名', leaderUserId: deputy.userId, version: 2 });
    });

    it('checks the leader and the shares on PATCH', async () => {
      const team = await createTeam();
      const leader = await t.http
        .patch(`/api/v1/teams/${team.id}`)
        .set(lead.headers)
        .set('If-Match', '"1"')
        .send({ leaderUserId: stranger.userId });
      expect(fields(leader.body)).toEqual(['leaderUserId']);
      const share = await t.http
        .patch(`/api/v1/teams/${team.id}`)
        .set(lead.headers)
        .set('If-Match', '"1"')
        .send({ leadSharePercent: 70 });
      expect(share.status).toBe(400);
      expect(share.body.errors).toEqual([
        { field: 'leadSharePercent', message: expect.stringContaining('= 110') },
      ]);
      const blank = await t.http
        .patch(`/api/v1/teams/${team.id}`)
        .set(lead.headers)
        .set('If-Match', '"1"')
        .send({ name: null });
      expect(fields(blank.body)).toContain('name');
    });

    it('answers 428 without If-Match and 409 on a stale one, for every edit', async () => {
      const team = await createTeam();
      const edits = [
        () => t.http.patch(`/api/v1/teams/${team.id}`).send({ name: 'x' }),
        () => t.http.put(`/api/v1/teams/${team.id}/members`).send([]),
        () =>
          t.http
            .put(`/api/v1/teams/${team.id}/consortium`)
            .send({ leadSharePercent: 60, members: teamBody().consortium }),
      ];
      for (const edit of edits) {
        const missing = await edit().set(lead.headers);
        expect(missing.status).toBe(428);
        expect(missing.body.code).toBe('PRECONDITION_REQUIRED');
      }
      const bumped = await t.http
        .patch(`/api/v1/teams/${team.id}`)
        .set(lead.headers)
        .set('If-Match', '"1"')
        .send({ name: '改名' });
      expect(bumped.status).toBe(200);
      for (const edit of edits) {
        const stale = await edit().set(lead.headers).set('If-Match', '"1"');
        expect(stale.status).toBe(409);
        expect(stale.body).toMatchObject({ code: 'VERSION_MISMATCH', currentVersion: 2 });
      }
    });

    it("answers 404 to another organization's applicant and 403 to a consortium member on every edit", async () => {
      const team = await createTeam();
      const before = await t.http.get(`/api/v1/teams/${team.id}`).set(lead.headers);
      for (const [actor, status] of [
        [stranger, 404],
        [partner, 403],
      ] as const) {
        const patch = await t.http
          .patch(`/api/v1/teams/${team.id}`)
          .set(actor.headers)
          .set('If-Match', '"1"')
          .send({ name: 'hijacked' });
        expect(patch.status).toBe(status);
        const members = await t.http
          .put(`/api/v1/teams/${team.id}/members`)
          .set(actor.headers)
          .set('If-Match', '"1"')
          .send([]);
        expect(members.status).toBe(status);
        const consortium = await t.http
          .put(`/api/v1/teams/${team.id}/consortium`)
          .set(actor.headers)
          .set('If-Match', '"1"')
          .send({ members: [] });
        expect(consortium.status).toBe(status);
      }
      const after = await t.http.get(`/api/v1/teams/${team.id}`).set(lead.headers);
      expect(after.body).toEqual(before.body);
      const byAdmin = await t.http
        .patch(`/api/v1/teams/${team.id}`)
        .set(admin.headers)
        .set('If-Match', '"1"')
        .send({ name: 'x' });
      expect(byAdmin.status).toBe(403);
    });

    it('replaces the members in order, checking each, audited', async () => {
      const team = await createTeam();
      const colleague = await createUser(t, partner.organizationId, ['applicant']);
      const members = [
        {
          name: '王芳',
          title: '高级工程师',
          role: '中试线',
          organizationId: partner.organizationId,
          userId: colleague.userId,
        },
        { name: '李明', title: '', role: '制备', organizationId: lead.organizationId },
      ];
      const res = await t.http
        .put(`/api/v1/teams/${team.id}/members`)
        .set(lead.headers)
        .set('If-Match', '"1"')
        .send(members);
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe('"2"');
      expect(res.body.members).toEqual([members[0], { ...members[1], userId: null }]);
      expect(await auditRows(t, 'team.members_replaced', team.id)).toHaveLength(1);

      const bad = await t.http
        .put(`/api/v1/teams/${team.id}/members`)
        .set(lead.headers)
        .set('If-Match', '"2"')
        .send([...members, { name: '赵四', title: '', role: 'r', organizationId: stranger.organizationId }]);
      expect(bad.status).toBe(400);
      expect(fields(bad.body)).toEqual(['[2].organizationId']);
      const shape = await t.http
        .put(`/api/v1/teams/${team.id}/members`)
        .set(lead.headers)
        .set('If-Match', '"2"')
        .send({ members });
      expect(shape.status).toBe(400);
      const invalid = await t.http
        .put(`/api/v1/teams/${team.id}/members`)
        .set(lead.headers)
        .set('If-Match', '"2"')
        .send([{ ...members[1], name: '', extra: true }]);
      expect(fields(invalid.body).sort()).toEqual(['[0].extra', '[0].name', '[0].name'].sort());
    });

    it('replaces the consortium with its shares, refusing to drop an organization that has members', async () => {
      const team = await createTeam();
      const third = await registerOrg(t, { role: 'applicant', type: 'research_institute' });
      const drop = await t.http
        .put(`/api/v1/teams/${team.id}/consortium`)
        .set(lead.headers)
        .set('If-Match', '"1"')
        .send({
          leadSharePercent: 70,
          members: [{ organizationId: third.organizationId, role: '检测', sharePercent: 30 }],
        });
      expect(drop.status).toBe(400);
      expect(drop.body.errors).toEqual([
        { field: 'members', message: expect.stringContaining(partner.organizationId) },
      ]);

      const sum = await t.http
        .put(`/api/v1/teams/${team.id}/consortium`)
        .set(lead.headers)
        .set('If-Match', '"1"')
        .send({
          leadSharePercent: 50,
          members: [
            { organizationId: partner.organizationId, role: '中试', sharePercent: 30 },
            { organizationId: third.organizationId, role: '检测', sharePercent: 30 },
          ],
        });
      expect(sum.status).toBe(400);
      expect(sum.body.errors).toEqual([{ field: 'members', message: expect.stringContaining('= 110') }]);

      const res = await t.http
        .put(`/api/v1/teams/${team.id}/consortium`)
        .set(lead.headers)
        .set('If-Match', '"1"')
        .send({
          leadSharePercent: 50,
          members: [
            { organizationId: third.organizationId, role: '检测', sharePercent: 20 },
            { organizationId: partner.organizationId, role: '中试', sharePercent: 30 },
          ],
        });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ leadSharePercent: 50, version: 2 });
      expect(
        res.body.consortium.map((m: { organization: { id: string }; sharePercent: number }) => [
          m.organization.id,
          m.sharePercent,
        ]),
      ).toEqual([
        [third.organizationId, 20],
        [partner.organizationId, 30],
      ]);
      expect(await auditRows(t, 'team.consortium_replaced', team.id)).toHaveLength(1);

      const none = await t.http
        .put(`/api/v1/teams/${team.id}/consortium`)
        .set(lead.headers)
        .set('If-Match', '"2"')
        .send({
          members: [
            { organizationId: third.organizationId, role: '检测' },
            { organizationId: partner.organizationId, role: '中试' },
          ],
        });
      expect(none.status).toBe(200);
      expect(none.body.leadSharePercent).toBeNull();
    });
  });

  describe('locked by an active application (TEAM_IN_USE)', () => {
    it('refuses every edit while a submitted application uses the team; a returned application does not lock', async () => {
      const team = await createTeam();
      // A bid submitted through the API on an open challenge of its own, led and pledged by `lead`.
      const { challenge } = await ctx.newOpenChallenge({ admin, issuer });
      const bidId = (
        await submittedBid(t, lead, challenge, { id: team.id, version: team.version, leader: lead })
      ).id;
      const edits = [
        () => t.http.patch(`/api/v1/teams/${team.id}`).send({ name: '改名' }),
        () => t.http.put(`/api/v1/teams/${team.id}/members`).send(teamBody().members),
        () =>
          t.http
            .put(`/api/v1/teams/${team.id}/consortium`)
            .send({ leadSharePercent: 60, members: teamBody().consortium }),
      ];
      for (const edit of edits) {
        const res = await edit().set(lead.headers).set('If-Match', '"1"');
        expect(res.status).toBe(409);
        expect(res.body).toMatchObject({ code: 'TEAM_IN_USE', teamId: team.id });
      }
      const read = await t.http.get(`/api/v1/teams/${team.id}`).set(lead.headers);
      expect(read.body.version).toBe(1);

      const returned = await t.http
        .post(`/api/v1/applications/${bidId}/formal-check`)
        .set(admin.headers)
        .send({ outcome: 'returned', reason: '缺少联合体协议，请补充后重新提交' });
      expect(returned.status).toBe(200);
      expect(returned.body.status).toBe('returned');
      let version = 1;
      for (const edit of edits) {
        const res = await edit().set(lead.headers).set('If-Match', `"${version}"`);
        expect(res.status).toBe(200);
        version = res.body.version;
      }
      expect(version).toBe(4);
    });

    it('locks for exactly the active statuses', async () => {
      const team = await createTeam();
      const bidId = await insertBid(team.id, 'draft');
      let version = 1;
      for (const status of BID_STATUSES) {
        // Raw SQL on purpose: the table of every status of a bid, most of which only a long flow
        // reaches; the lock's reading of the status is tested, not the flows.
        await t.dataSource.query(`UPDATE applications SET status = $2 WHERE id = $1`, [bidId, status]);
        const res = await t.http
          .patch(`/api/v1/teams/${team.id}`)
          .set(lead.headers)
          .set('If-Match', `"${version}"`)
          .send({ name: `试 ${status}` });
        const locked = (ACTIVE_APPLICATION_STATUSES as readonly string[]).includes(status);
        expect({ status, answer: res.status }).toEqual({ status, answer: locked ? 409 : 200 });
        if (!locked) version = res.body.version;
      }
    });

    it('lockForApplication: the team with organization types and regions, 404 for another organization', async () => {
      const team = await createTeam();
      const teams = t.get(TeamsService);
      const parts = await t.dataSource.transaction((em) =>
        teams.lockForApplication(em, team.id, lead.organizationId),
      );
      expect(parts.leadOrganization).toEqual({
        id: lead.organizationId,
        name: '南昌大学',
        type: 'university',
        regionCode: '360100',
      });
      expect(parts.consortium).toEqual([
        {
          organization: expect.objectContaining({
            id: partner.organizationId,
            type: 'enterprise',
            regionCode: '360100',
          }),
          role: '样机工程化与中试',
          sharePercent: 40,
        },
      ]);
      expect(parts.members.map((m) => m.name)).toEqual(['李明', '王芳']);
      await expect(
        t.dataSource.transaction((em) => teams.lockForApplication(em, team.id, partner.organizationId)),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await teams.findTeamWithParts('00000000-0000-4000-8000-000000000000')).toBeNull();
    });

    it('an edit racing an application submission waits for it, then sees the application and answers TEAM_IN_USE', async () => {
      const team = await createTeam();
      const runner = t.dataSource.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      try {
        await t.get(TeamsService).lockForApplication(runner.manager, team.id, lead.organizationId);
        const edit = t.http
          .patch(`/api/v1/teams/${team.id}`)
          .set(lead.headers)
          .set('If-Match', '"1"')
          .send({ name: '抢先改名' })
          .then((res) => res);
        await waitFor(
          async () => {
            const [row] = await t.dataSource.query<Array<{ waiting: number }>>(
              `SELECT count(*)::int AS waiting FROM pg_stat_activity
               WHERE datname = current_database() AND wait_event_type = 'Lock'`,
            );
            return row.waiting > 0;
          },
          { what: 'the edit to wait for the team lock' },
        );
        await insertBid(team.id, 'submitted', runner.manager);
        await runner.commitTransaction();
        const res = await edit;
        expect(res.status).toBe(409);
        expect(res.body.code).toBe('TEAM_IN_USE');
      } finally {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        await runner.release();
      }
    });
  });
});

import { randomBytes } from 'node:crypto';
import type { Principal } from '../../src/common/auth/principal';
import { ApplicationsService } from '../../src/modules/call/applications/applications.service';
import { TeamsService } from '../../src/modules/call/teams/teams.service';
import { Actor, createUser } from './factories';
import { TestApp } from './test-app';

export interface Listed {
  id: string;
  fiscalFen: number;
  durationMonths: number;
  indicators: Array<{ id: string; name: string }>;
}

export interface TestTeam {
  id: string;
  version: number;
  /** The leader (挂帅者): a user of the applicant's organization, who takes the pledges. */
  leader: Actor;
}

/**
 * A team of the applicant's organization, over HTTP, led by `leader` or by a new user of that
 * organization (each team its own leader, so the leader limit only bites where a test wants it).
 */
export async function createTeam(
  t: TestApp,
  applicant: Actor,
  body: Record<string, unknown> = {},
  leader?: Actor,
): Promise<TestTeam> {
  const chief = leader ?? (await createUser(t, applicant.organizationId, ['applicant']));
  const res = await t.http
    .post('/api/v1/teams')
    .set(applicant.headers)
    .send({
      name: '高温超导攻关团队',
      leaderUserId: chief.userId,
      members: [
        { name: '李工', title: '工程师', role: '技术骨干', organizationId: applicant.organizationId },
      ],
      ...body,
    });
  if (res.status !== 201) throw new Error(`team: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id as string, version: res.body.version as number, leader: chief };
}

/** A complete application body for a challenge: every indicator committed, two milestones of 40 + 60. */
export function bidBody(list: Listed, teamId: string, overrides: Record<string, unknown> = {}) {
  return {
    teamId,
    technicalPlan: '采用第二代高温超导带材，分三阶段完成电缆样机研制与挂网试验。',
    requestedFiscalFen: Math.floor(list.fiscalFen / 2),
    indicatorCommitments: list.indicators.map((i) => ({
      indicatorId: i.id,
      committedValue: `优于指标：${i.name}`,
    })),
    milestones: [
      {
        title: '完成材料制备',
        deliverables: '带材样品与检测报告',
        dueMonth: Math.min(6, list.durationMonths),
        sharePercent: 40,
      },
      {
        title: '完成样机与挂网',
        deliverables: '电缆样机与试验报告',
        dueMonth: list.durationMonths,
        sharePercent: 60,
      },
    ],
    ...overrides,
  };
}

export async function draftBid(
  t: TestApp,
  applicant: Actor,
  list: Listed,
  teamId: string,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; version: number } & Record<string, unknown>> {
  const res = await t.http
    .post(`/api/v1/challenges/${list.id}/applications`)
    .set(applicant.headers)
    .send(bidBody(list, teamId, overrides));
  if (res.status !== 201) throw new Error(`bid: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The leader's pledge; returns the application's new version. */
export async function pledge(t: TestApp, leader: Actor, bidId: string): Promise<number> {
  const res = await t.http
    .post(`/api/v1/applications/${bidId}/pledge`)
    .set(leader.headers)
    .send({ accepted: true });
  if (res.status !== 200) throw new Error(`pledge: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.version as number;
}

/** Drafted by the applicant, pledged by the team's leader, and submitted. */
export async function submittedBid(
  t: TestApp,
  applicant: Actor,
  list: Listed,
  team: TestTeam,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; version: number } & Record<string, unknown>> {
  const draft = await draftBid(t, applicant, list, team.id, overrides);
  await pledge(t, team.leader, draft.id);
  const res = await t.http.post(`/api/v1/applications/${draft.id}/submit`).set(applicant.headers);
  if (res.status !== 200) throw new Error(`submit: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export interface PledgedDraft {
  id: string;
  teamId: string;
  leaderUserId: string;
  /** The application's version after the pledge. */
  version: number;
}

/**
 * `count` complete draft applications on `list`, each by its own team with its own leader (so the leader
 * limit never bites) and pledged by that leader: for tests that need many applications at once. Fast:
 * the leaders are inserted by SQL with a copy of the applicant's password hash (no hashing, no
 * sign-in; they act only through the services here), then the teams, applications and pledges go through
 * TeamsService.create, ApplicationsService.create and ApplicationsService.pledge, `concurrency`
 * at a time, as the controllers would call them.
 */
export async function pledgedDrafts(
  t: TestApp,
  applicant: Actor,
  list: Listed,
  count: number,
  options: { concurrency?: number; label?: string } = {},
): Promise<PledgedDraft[]> {
  const label = options.label ?? randomBytes(4).toString('hex');
  const leaders = await t.dataSource.query<Array<{ id: string }>>(
    `INSERT INTO users (organization_id, email, display_name, password_hash, roles, created_at, updated_at)
     SELECT $1, 'leader.' || $2 || '.' || g || '@example.cn', '挂帅者 ' || g,
            (SELECT password_hash FROM users WHERE id = $3), ARRAY['applicant'], $4, $4
     FROM generate_series(1, $5::int) AS g ORDER BY g
     RETURNING id`,
    [applicant.organizationId, label, applicant.userId, t.clock.now(), count],
  );
  const teams = t.get(TeamsService);
  const applications = t.get(ApplicationsService);
  const owner: Principal = {
    kind: 'user',
    userId: applicant.userId,
    organizationId: applicant.organizationId,
    roles: applicant.roles,
  };
  const one = async ({ id: leaderUserId }: { id: string }, i: number): Promise<PledgedDraft> => {
    const team = await teams.create(owner, {
      name: `并发揭榜团队 ${label} ${i + 1}`,
      leaderUserId,
      members: [
        {
          name: `成员 ${i + 1}`,
          title: '工程师',
          role: '技术骨干',
          organizationId: applicant.organizationId,
        },
      ],
    });
    const draft = await applications.create(owner, list.id, bidBody(list, team.id));
    const leader: Principal = {
      kind: 'user',
      userId: leaderUserId,
      organizationId: applicant.organizationId,
      roles: ['applicant'],
    };
    const pledged = await applications.pledge(leader, draft.id, draft.version);
    return { id: draft.id, teamId: team.id, leaderUserId, version: pledged.version };
  };
  const concurrency = options.concurrency ?? 8;
  const made: PledgedDraft[] = [];
  for (let start = 0; start < leaders.length; start += concurrency) {
    const chunk = leaders.slice(start, start + concurrency);
    made.push(...(await Promise.all(chunk.map((leader, j) => one(leader, start + j)))));
  }
  return made;
}

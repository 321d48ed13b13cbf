import { createTeam, Listed, submittedBid, TestTeam } from './applications';
import { createProgram, DAY, publishChallenge } from './challenges';
import { Actor, bearer, createAdmin, login, registerOrg } from './factories';
import { commentsFor, createExpert, scoresFor, TestExpert } from './reviews';
import { TestApp } from './test-app';

export interface AwardedLine {
  projectId: string;
  applicationId: string;
  /** The applicant organization's first user (signs for the lead organization). */
  bidder: Actor;
  team: TestTeam;
}

export interface AwardedList {
  list: Listed & { code: string };
  programId: string;
  admin: Actor;
  issuer: Actor;
  experts: TestExpert[];
  /** The projects in rank order (the first line scored highest). */
  lines: AwardedLine[];
  /** Applicants whose applications lost (their organizations are parties of no project). */
  losers: Actor[];
  /** Moves the clock and signs every known actor in again (access tokens expire by the clock). */
  travel(to: Date | string): Promise<void>;
  /** Registers an actor so that `travel` keeps its token fresh. */
  track(actor: Actor): Actor;
}

export interface AwardOptions {
  /** Program settings over the defaults (panel of 3, no reserves, no enterprise minimum). */
  settings?: Record<string, unknown>;
  /** Overrides of the challenge (e.g. fiscalFen, cofundingFen, totalFen). */
  list?: Record<string, unknown>;
  /** How many lines win (horse race when > 1). */
  winners?: number;
  /** Losing applications besides the winners. */
  losers?: number;
  /** Overrides of every application (e.g. requestedFiscalFen, milestones). */
  bid?: Record<string, unknown>;
  /** Reuse actors across several challenges in one suite. */
  admin?: Actor;
  issuer?: Actor;
}

/**
 * A challenge taken through the whole of issue 5 over HTTP, the fast way: published, applications submitted and
 * found eligible, the clock past closing, a panel of three drawn and scoring (winners 90, 85, …;
 * losers 70, 65, …), the selection, the clock past publicity and the admin's award. The projects
 * are `pending_signature`. The clock ends just after the publicity period.
 */
export async function awardedList(t: TestApp, options: AwardOptions = {}): Promise<AwardedList> {
  const tracked: Actor[] = [];
  const track = (actor: Actor) => {
    if (!tracked.includes(actor)) tracked.push(actor);
    return actor;
  };
  const travel = async (to: Date | string) => {
    t.clock.set(to);
    for (const actor of tracked) {
      const tokens = await login(t, actor.email);
      actor.accessToken = tokens.accessToken;
      actor.refreshToken = tokens.refreshToken;
      actor.headers = bearer(tokens.accessToken);
    }
  };
  const ok = (what: string, res: { status: number; body: unknown }, status = 200) => {
    if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  };

  const winners = options.winners ?? 1;
  const loserCount = options.losers ?? 1;
  const admin = track(options.admin ?? (await createAdmin(t)));
  const issuer = track(options.issuer ?? (await registerOrg(t, { role: 'issuer', type: 'enterprise' })));
  const programId = await createProgram(t, admin, {
    settings: { panelSize: 3, reserveExperts: 0, minEnterpriseExpertPercent: 0, ...options.settings },
  });
  const home = await registerOrg(t, { role: 'applicant', type: 'university' });
  const experts: TestExpert[] = [];
  for (let i = 0; i < 3; i++) {
    const expert = await createExpert(t, admin, home.organizationId, `验收前专家${i + 1}`);
    track(expert.actor);
    experts.push(expert);
  }

  const now = t.clock.now().getTime();
  const list = (await publishChallenge(t, issuer, admin, programId, {
    opensAt: new Date(now - 60 * 60 * 1000).toISOString(),
    closesAt: new Date(now + 10 * DAY).toISOString(),
    ...(winners > 1 ? { selectionMode: 'horse_race', teamCount: winners } : {}),
    ...options.list,
  })) as unknown as AwardedList['list'];

  const bids: Array<{ id: string; bidder: Actor; team: TestTeam; total: number }> = [];
  for (let i = 0; i < winners + loserCount; i++) {
    const bidder = track(await registerOrg(t, { role: 'applicant', type: 'university' }));
    const team = await createTeam(t, bidder, { name: `立项团队${i + 1}` });
    track(team.leader);
    const bid = await submittedBid(t, bidder, list, team, options.bid ?? {});
    t.clock.advance(1000);
    const checked = await t.http
      .post(`/api/v1/applications/${bid.id}/formal-check`)
      .set(admin.headers)
      .send({ outcome: 'eligible' });
    ok('formal check', checked);
    bids.push({ id: bid.id, bidder, team, total: i < winners ? 90 - 5 * i : 70 - 5 * (i - winners) });
  }

  await travel(new Date(now + 11 * DAY));
  ok('draw', await t.http.post(`/api/v1/challenges/${list.id}/review`).set(admin.headers), 201);
  for (const expert of experts) {
    const mine = await t.http
      .get('/api/v1/review-assignments')
      .query({ limit: 100 })
      .set(expert.actor.headers);
    for (const a of (
      mine.body.items as Array<{ id: string; challenge: { id: string }; bidLabel: string }>
    ).filter((x) => x.challenge.id === list.id)) {
      const declared = await t.http
        .post(`/api/v1/review-assignments/${a.id}/declare`)
        .set(expert.actor.headers)
        .send({ conflict: false });
      ok('declare', declared);
      const n = Number(a.bidLabel.replace('申请 ', '')) - 1;
      ok(
        'scores',
        await t.http
          .put(`/api/v1/review-assignments/${a.id}/scores`)
          .set(expert.actor.headers)
          .set('If-Match', `"${declared.body.version}"`)
          .send({ scores: scoresFor(bids[n].total), comments: commentsFor() }),
      );
      ok('submit', await t.http.post(`/api/v1/review-assignments/${a.id}/submit`).set(expert.actor.headers));
    }
  }

  const selected = await t.http
    .post(`/api/v1/challenges/${list.id}/selection`)
    .set(admin.headers)
    .send({
      applicationIds: bids.slice(0, winners).map((b) => b.id),
      issuerAgreement: '经对接洽谈，发榜方同意',
    });
  ok('selection', selected);
  await travel(new Date(new Date(selected.body.publicityEndsAt).getTime() + 1000));
  ok('award', await t.http.post(`/api/v1/challenges/${list.id}/award`).set(admin.headers));

  const projects = await t.dataSource.query<Array<{ id: string; application_id: string }>>(
    `SELECT id, application_id FROM projects WHERE challenge_id = $1`,
    [list.id],
  );
  const lines = bids.slice(0, winners).map((b) => ({
    projectId: projects.find((p) => p.application_id === b.id)!.id,
    applicationId: b.id,
    bidder: b.bidder,
    team: b.team,
  }));
  return {
    list,
    programId,
    admin,
    issuer,
    experts,
    lines,
    losers: bids.slice(winners).map((b) => b.bidder),
    travel,
    track,
  };
}

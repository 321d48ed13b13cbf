import { createTeam, Listed, submittedBid, TestTeam } from './applications';
import { createProgram, DAY, publishChallenge, publishDraft } from './challenges';
import { Actor, bearer, changeUser, createAdmin, createUser, login, registerOrg } from './factories';
import { commentsFor, createExpert, scoresFor, TestExpert } from './reviews';
import { TestApp } from './test-app';

export interface AwardedLine {
  projectId: string;
  applicationId: string;
  /** The applicant organization's first user (signs for the lead organization). */
  bidder: Actor;
  team: TestTeam;
}

export interface ReviewedBid {
  id: string;
  bidder: Actor;
  team: TestTeam;
  /** The total the panel is to give it (winners 90, 85, …; losers 70, 65, …). */
  total: number;
}

export interface ListUnderReview {
  list: Listed & { code: string };
  programId: string;
  admin: Actor;
  issuer: Actor;
  /** The panel: the three experts drawn. */
  experts: TestExpert[];
  /** The bids, eligible and under review, winners first. */
  bids: ReviewedBid[];
  /** Moves the clock and signs every known actor in again (access tokens expire by the clock). */
  travel(to: Date | string): Promise<void>;
  /** Registers an actor so that `travel` keeps its token fresh. */
  track(actor: Actor): Actor;
  /** ` <marker>` appended to the confidential texts (AwardOptions.confidential), or ''. */
  confidential: string;
}

export interface AwardedList extends Omit<ListUnderReview, 'bids' | 'confidential'> {
  /** The projects in rank order (the first line scored highest). */
  lines: AwardedLine[];
  /** Bidders whose bids lost (their organizations are parties of no project). */
  losers: Actor[];
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
  /**
   * A draft challenge of `issuer` in `programId` (e.g. one promoted from a need) to submit, approve and
   * run instead of a new one; its window must open by now and close before the eleventh day.
   */
  draft?: { id: string; programId: string };
  /** Over the experts' default profile (new_materials, 超导): fields that overlap another list's terms. */
  expertProfile?: Record<string, unknown>;
  /** Applicant organizations that bid (in order, winners first); new ones make up the rest. */
  bidders?: Actor[];
  /**
   * A marker put into every confidential free text the flow writes (people's and members' names,
   * expert titles, committed values, review comments, the issuer's agreement), so that a test can
   * prove none of it is published.
   */
  confidential?: string;
  /** Called once the bids are in, while the list is still open (e.g. to leave a further draft). */
  beforeClose?: (list: ListUnderReview['list']) => Promise<void>;
  /**
   * Retire (PATCH active: false, by the admin) every active expert of the pool that is not this
   * list's own before the draw, so that the panel of three is the three experts that score here
   * (default true; a no-op in a suite's first list).
   */
  exclusivePanel?: boolean;
}

function ok(what: string, res: { status: number; body: unknown }, status = 200): void {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
}

/** Every active expert not in `keep` is made inactive through PATCH /experts/{id} by the admin. */
export async function retireOtherExperts(t: TestApp, admin: Actor, keep: string[]): Promise<void> {
  let cursor: string | null = null;
  const others: Array<{ id: string; version: number }> = [];
  do {
    const page = await t.http
      .get('/api/v1/experts')
      .query({ active: true, limit: 100, ...(cursor ? { cursor } : {}) })
      .set(admin.headers);
    if (page.status !== 200) throw new Error(`experts: ${page.status} ${JSON.stringify(page.body)}`);
    others.push(
      ...(page.body.items as Array<{ id: string; version: number }>).filter((e) => !keep.includes(e.id)),
    );
    cursor = page.body.nextCursor as string | null;
  } while (cursor);
  for (const expert of others) {
    const res = await t.http
      .patch(`/api/v1/experts/${expert.id}`)
      .set(admin.headers)
      .set('If-Match', `"${expert.version}"`)
      .send({ active: false });
    if (res.status !== 200) throw new Error(`retire expert: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/**
 * A list taken into review over HTTP: published, bids submitted and found eligible, the clock past
 * closing (eleven days on), a panel of three drawn (the list and its bids `under_review`).
 */
export async function listUnderReview(t: TestApp, options: AwardOptions = {}): Promise<ListUnderReview> {
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

  const winners = options.winners ?? 1;
  const loserCount = options.losers ?? 1;
  const mark = options.confidential ? ` ${options.confidential}` : '';
  const named = (name: string) => (mark ? { displayName: `${name}${mark}` } : {});
  const admin = track(options.admin ?? (await createAdmin(t)));
  if (mark && !options.admin) await changeUser(t, admin, admin, { displayName: `管理员${mark}` });
  const issuer = track(
    options.issuer ?? (await registerOrg(t, { role: 'issuer', type: 'enterprise', ...named('发榜人') })),
  );
  const programId =
    options.draft?.programId ??
    (await createProgram(t, admin, {
      settings: { panelSize: 3, reserveExperts: 0, minEnterpriseExpertPercent: 0, ...options.settings },
    }));
  const home = await registerOrg(t, { role: 'applicant', type: 'university', ...named('专家单位联系人') });
  const experts: TestExpert[] = [];
  for (let i = 0; i < 3; i++) {
    const expert = await createExpert(t, admin, home.organizationId, `验收前专家${i + 1}${mark}`, {
      ...(mark ? { title: `研究员${mark}` } : {}),
      ...options.expertProfile,
    });
    track(expert.actor);
    experts.push(expert);
  }

  const now = t.clock.now().getTime();
  const list = (options.draft
    ? await publishDraft(t, issuer, admin, options.draft.id)
    : await publishChallenge(t, issuer, admin, programId, {
        opensAt: new Date(now - 60 * 60 * 1000).toISOString(),
        closesAt: new Date(now + 10 * DAY).toISOString(),
        ...(winners > 1 ? { selectionMode: 'horse_race', teamCount: winners } : {}),
        ...options.list,
      })) as unknown as AwardedList['list'];

  const bids: ReviewedBid[] = [];
  for (let i = 0; i < winners + loserCount; i++) {
    const bidder = track(
      options.bidders?.[i] ??
        (await registerOrg(t, { role: 'applicant', type: 'university', ...named('揭榜人') })),
    );
    const leader = mark
      ? await createUser(t, bidder.organizationId, ['applicant'], undefined, `挂帅者${mark}`)
      : undefined;
    const team = await createTeam(
      t,
      bidder,
      {
        name: `立项团队${i + 1}`,
        ...(mark
          ? {
              members: [
                {
                  name: `李工${mark}`,
                  title: '工程师',
                  role: '技术骨干',
                  organizationId: bidder.organizationId,
                },
              ],
            }
          : {}),
      },
      leader,
    );
    track(team.leader);
    const commitments = mark
      ? {
          indicatorCommitments: list.indicators.map((x) => ({
            indicatorId: x.id,
            committedValue: `优于指标：${x.name}${mark}`,
          })),
        }
      : {};
    const bid = await submittedBid(t, bidder, list, team, { ...commitments, ...options.bid });
    t.clock.advance(1000);
    const checked = await t.http
      .post(`/api/v1/applications/${bid.id}/formal-check`)
      .set(admin.headers)
      .send({ outcome: 'eligible' });
    ok('formal check', checked);
    bids.push({ id: bid.id, bidder, team, total: i < winners ? 90 - 5 * i : 70 - 5 * (i - winners) });
  }

  await options.beforeClose?.(list);
  await travel(new Date(now + 11 * DAY));
  if (options.exclusivePanel ?? true) {
    await retireOtherExperts(
      t,
      admin,
      experts.map((e) => e.expertId),
    );
  }
  ok('draw', await t.http.post(`/api/v1/challenges/${list.id}/review`).set(admin.headers), 201);
  return { list, programId, admin, issuer, experts, bids, travel, track, confidential: mark };
}

/**
 * A list taken through the whole of issue 5 over HTTP, the fast way: under review (listUnderReview),
 * the panel of three scoring (winners 90, 85, …; losers 70, 65, …), the selection, the clock past
 * publicity and the admin's award. The projects are `pending_signature`. The clock ends just after
 * the publicity period.
 */
export async function awardedList(t: TestApp, options: AwardOptions = {}): Promise<AwardedList> {
  const review = await listUnderReview(t, options);
  const { list, admin, experts, bids, travel } = review;
  const winners = options.winners ?? 1;
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
          .send({
            scores: scoresFor(bids[n].total),
            comments: commentsFor(`评审意见${review.confidential}`),
          }),
      );
      ok('submit', await t.http.post(`/api/v1/review-assignments/${a.id}/submit`).set(expert.actor.headers));
    }
  }

  const selected = await t.http
    .post(`/api/v1/challenges/${list.id}/selection`)
    .set(admin.headers)
    .send({
      applicationIds: bids.slice(0, winners).map((b) => b.id),
      issuerAgreement: `经对接洽谈，发榜方同意${review.confidential}`,
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
    programId: review.programId,
    admin,
    issuer: review.issuer,
    experts,
    lines,
    losers: bids.slice(winners).map((b) => b.bidder),
    travel,
    track: review.track,
  };
}

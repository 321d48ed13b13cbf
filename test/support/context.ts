import { randomBytes } from 'node:crypto';
import { createTeam, Listed, submittedBid, TestTeam } from './applications';
import { createProgram, DAY, publishChallenge } from './challenges';
import { Actor, changeUser, createAdmin, registerOrg } from './factories';
import { AwardedList, awardedList, AwardOptions, ListUnderReview, listUnderReview } from './projects';
import { TestApp } from './test-app';

/**
 * Intention-named factories: each call builds a whole world of its own through the HTTP API (and
 * the services the other support files use for sign-up) and the test clock, so that every `it`
 * starts from a world nobody else touched. `ctx.newActiveProject()` rather than `UPDATE projects`.
 */

/**
 * The environment of a test app whose tests build a world each: that is hundreds of requests a
 * minute from one address, over the default per-IP limit (RATE_LIMIT_PER_MINUTE, 600). Pass it to
 * createTestApp({ env: WORLDS_ENV }).
 */
export const WORLDS_ENV: Record<string, string> = { RATE_LIMIT_PER_MINUTE: '100000' };

const ok = (what: string, res: { status: number; body: unknown }, status = 200) => {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
};

export interface OpenChallenge {
  admin: Actor;
  issuer: Actor;
  programId: string;
  challenge: Listed & { code: string; version: number } & Record<string, unknown>;
}

export interface SubmittedApplication extends OpenChallenge {
  applicant: Actor;
  team: TestTeam;
  application: { id: string; version: number } & Record<string, unknown>;
}

export interface ProjectMilestone {
  id: string;
  position: number;
  status: string;
  dueAt: string | null;
  reportsSubmitted: number;
}

export interface ActiveProject extends AwardedList {
  /** The first line's project (the one the world was built for). */
  projectId: string;
  /** Its lead organization's applicant (signs, reports milestones). */
  bidder: Actor;
  /** Its task book's indicators. */
  indicators: Array<{ indicatorId: string; name: string }>;
  /** Its milestones in position order, as they were at activation. */
  milestones: ProjectMilestone[];
  /**
   * A milestone of a line's project taken through the API: the bidder reports it, the admin assesses
   * it with `outcome` (passed, conditionally_passed, failed). A failed one is reported again (the
   * program's resubmission allowance) before the new assessment.
   */
  assessMilestone(position: number, outcome: string, line?: number): Promise<ProjectMilestone>;
  /** The bidder's report on a milestone (pending or failed) of a line's project: it is then submitted. */
  reportMilestone(position: number, line?: number): Promise<ProjectMilestone>;
  /** Signs a further line's project (three signatures), so that it is active too. */
  activate(line: number): Promise<void>;
}

export interface PaidTranche extends ActiveProject {
  /** The fiscal first tranche of the first line's project, confirmed paid by the admin. */
  payment: { id: string; amountFen: number; version: number };
}

export class TestContext {
  constructor(readonly t: TestApp) {}

  newAdmin(): Promise<Actor> {
    return createAdmin(this.t);
  }

  newIssuerOrg(options: { name?: string } = {}): Promise<Actor> {
    return registerOrg(this.t, { role: 'issuer', type: 'enterprise', ...options });
  }

  newApplicantOrg(
    options: { type?: 'university' | 'research_institute' | 'enterprise'; name?: string } = {},
  ): Promise<Actor> {
    return registerOrg(this.t, { role: 'applicant', type: options.type ?? 'university', name: options.name });
  }

  /** A program by a (new) admin; settings left out take their defaults. */
  async newProgram(
    options: { admin?: Actor; settings?: Record<string, unknown>; body?: Record<string, unknown> } = {},
  ): Promise<{ admin: Actor; programId: string }> {
    const admin = options.admin ?? (await this.newAdmin());
    const body = { ...options.body, ...(options.settings ? { settings: options.settings } : {}) };
    return { admin, programId: await createProgram(this.t, admin, body) };
  }

  /** A challenge published and open for applications now (opened an hour ago, closing in ten days). */
  async newOpenChallenge(
    options: {
      admin?: Actor;
      issuer?: Actor;
      programId?: string;
      settings?: Record<string, unknown>;
      challenge?: Record<string, unknown>;
    } = {},
  ): Promise<OpenChallenge> {
    const admin = options.admin ?? (await this.newAdmin());
    const issuer = options.issuer ?? (await this.newIssuerOrg());
    const programId =
      options.programId ?? (await this.newProgram({ admin, settings: options.settings })).programId;
    const now = this.t.clock.now().getTime();
    const challenge = (await publishChallenge(this.t, issuer, admin, programId, {
      opensAt: new Date(now - 60 * 60 * 1000).toISOString(),
      closesAt: new Date(now + 10 * DAY).toISOString(),
      ...options.challenge,
    })) as unknown as OpenChallenge['challenge'];
    return { admin, issuer, programId, challenge };
  }

  /** An open challenge with one application drafted, pledged by its team's leader and submitted. */
  async newSubmittedApplication(
    options: Parameters<TestContext['newOpenChallenge']>[0] & {
      world?: OpenChallenge;
      applicant?: Actor;
      application?: Record<string, unknown>;
    } = {},
  ): Promise<SubmittedApplication> {
    const world = options.world ?? (await this.newOpenChallenge(options));
    const applicant = options.applicant ?? (await this.newApplicantOrg());
    const team = await createTeam(this.t, applicant);
    const application = await submittedBid(this.t, applicant, world.challenge, team, options.application);
    return { ...world, applicant, team, application };
  }

  /**
   * A challenge closed with its bids found eligible and a panel of three experts drawn: the
   * challenge and its bids are `under_review`; the clock is eleven days on.
   */
  newChallengeUnderReview(options: AwardOptions = {}): Promise<ListUnderReview> {
    return listUnderReview(this.t, options);
  }

  /** A challenge taken through review, selection, publicity and award: its projects await signatures. */
  newAwardedChallenge(options: AwardOptions = {}): Promise<AwardedList> {
    return awardedList(this.t, options);
  }

  /** An awarded challenge whose first line's project the three parties signed: active, tranches planned. */
  async newActiveProject(options: AwardOptions = {}): Promise<ActiveProject> {
    const award = await this.newAwardedChallenge(options);
    const activate = (line: number) => this.signLine(award, line);
    await activate(0);
    const project = await this.t.http
      .get(`/api/v1/projects/${award.lines[0].projectId}`)
      .set(award.admin.headers);
    ok('project', project);
    if (project.body.status !== 'active') throw new Error(`project: ${project.body.status}, not active`);
    const indicators = project.body.taskBook.indicators as ActiveProject['indicators'];
    return {
      ...award,
      projectId: award.lines[0].projectId,
      bidder: award.lines[0].bidder,
      indicators,
      milestones: project.body.milestones as ProjectMilestone[],
      activate,
      assessMilestone: (position, outcome, line = 0) => this.assessMilestone(award, position, outcome, line),
      reportMilestone: (position, line = 0) => this.reportMilestone(award, position, line),
    };
  }

  /** An active project whose first fiscal tranche (approved at activation) the admin confirmed paid. */
  async newPaidTranche(options: AwardOptions = {}): Promise<PaidTranche> {
    const world = await this.newActiveProject(options);
    const listed = await this.t.http
      .get(`/api/v1/projects/${world.projectId}/payments`)
      .set(world.admin.headers);
    ok('payments', listed);
    const first = (
      listed.body.items as Array<{ id: string; payer: string; kind: string; amountFen: number }>
    ).find((p) => p.payer === 'fiscal' && p.kind === 'first')!;
    const paid = await this.t.http
      .post(`/api/v1/payments/${first.id}/confirm`)
      .set(world.admin.headers)
      .set('Idempotency-Key', `paid-tranche-${first.id}`);
    ok('confirm', paid);
    return { ...world, payment: { id: first.id, amountFen: first.amountFen, version: paid.body.version } };
  }

  /** Changes a user as an admin's PATCH /users/{id} does (see changeUser). */
  changeUser(
    admin: Actor,
    user: Pick<Actor, 'userId' | 'organizationId'>,
    change: { roles?: string[]; enabled?: boolean; displayName?: string },
  ): Promise<void> {
    return changeUser(this.t, admin, user, change);
  }

  /** A new industry chain (POST /industry-chains), retired at once (PATCH active: false): its code. */
  async newRetiredIndustryChain(admin: Actor): Promise<string> {
    const code = `retired_${randomBytes(4).toString('hex')}`;
    const made = await this.t.http
      .post('/api/v1/industry-chains')
      .set(admin.headers)
      .send({ code, nameZh: '已停用产业链', nameEn: 'Retired chain' });
    ok('industry chain', made, 201);
    const retired = await this.t.http
      .patch(`/api/v1/industry-chains/${code}`)
      .set(admin.headers)
      .set('If-Match', `"${made.body.version}"`)
      .send({ active: false });
    ok('retire industry chain', retired);
    return code;
  }

  /**
   * A line's project of an awarded challenge taken to a decided acceptance over HTTP: signed, every
   * milestone reported and passed, the acceptance requested with every indicator measured, each
   * member of the drawn panel (the award's experts) declaring no conflict and finding every
   * indicator met, and the admin's decision `decision` (outcome and what it needs, e.g. conditions).
   * Returns the acceptance's id.
   */
  async decidedAcceptance(
    award: AwardedList,
    line: number,
    decision: Record<string, unknown>,
  ): Promise<string> {
    await this.signLine(award, line);
    const { bidder, projectId } = award.lines[line];
    const project = await this.t.http.get(`/api/v1/projects/${projectId}`).set(award.admin.headers);
    ok('project', project);
    for (const m of project.body.milestones as ProjectMilestone[]) {
      await this.assessMilestone(award, m.position, 'passed', line);
    }
    const indicators = project.body.taskBook.indicators as ActiveProject['indicators'];
    const requested = await this.t.http
      .post(`/api/v1/projects/${projectId}/acceptance`)
      .set(bidder.headers)
      .send({
        summary: '任务书全部指标完成，申请验收',
        measurements: indicators.map((i) => ({ indicatorId: i.indicatorId, measuredValue: '实测达标' })),
      });
    ok('acceptance request', requested, 201);
    const id = requested.body.id as string;
    const panel = await this.t.http.get(`/api/v1/acceptances/${id}`).set(award.admin.headers);
    ok('acceptance', panel);
    for (const member of panel.body.panel.members as Array<{
      id: string;
      expertId: string;
      status: string;
    }>) {
      if (member.status !== 'pending') continue;
      const expert = award.experts.find((e) => e.expertId === member.expertId);
      if (!expert) throw new Error(`expert ${member.expertId} is not one of the award's experts`);
      ok(
        'declare',
        await this.t.http
          .post(`/api/v1/acceptance-assignments/${member.id}/declare`)
          .set(expert.actor.headers)
          .send({ conflict: false }),
      );
      ok(
        'verdicts',
        await this.t.http
          .post(`/api/v1/acceptances/${id}/verdicts`)
          .set(expert.actor.headers)
          .send({
            verdicts: indicators.map((i) => ({
              indicatorId: i.indicatorId,
              verdict: 'met',
              comment: '达标',
            })),
          }),
      );
    }
    ok(
      'decide',
      await this.t.http
        .post(`/api/v1/acceptances/${id}/decide`)
        .set(award.admin.headers)
        .send({ reason: '专家组意见', issuerOpinion: '发榜方意见', ...decision }),
    );
    return id;
  }

  /** Changes a program's settings (merged) through PATCH /programs/{id} by the admin. */
  async changeProgramSettings(
    admin: Actor,
    programId: string,
    settings: Record<string, unknown>,
  ): Promise<void> {
    const current = await this.t.http.get(`/api/v1/programs/${programId}`).set(admin.headers);
    ok('program', current);
    const changed = await this.t.http
      .patch(`/api/v1/programs/${programId}`)
      .set(admin.headers)
      .set('If-Match', `"${current.body.version}"`)
      .send({ settings });
    ok('program settings', changed);
  }

  /** The three signatures (issuer, the line's bidder, admin) on a line's project: it is active. */
  private async signLine(award: AwardedList, line: number): Promise<void> {
    const projectId = award.lines[line].projectId;
    for (const signer of [award.issuer, award.lines[line].bidder, award.admin]) {
      ok('sign', await this.t.http.post(`/api/v1/projects/${projectId}/sign`).set(signer.headers));
    }
  }

  private async milestoneOf(award: AwardedList, position: number, line: number) {
    const project = await this.t.http
      .get(`/api/v1/projects/${award.lines[line].projectId}`)
      .set(award.admin.headers);
    ok('project', project);
    return {
      milestone: (project.body.milestones as ProjectMilestone[]).find((m) => m.position === position)!,
      indicatorId: (project.body.taskBook.indicators as ActiveProject['indicators'])[0].indicatorId,
    };
  }

  private async reportMilestone(
    award: AwardedList,
    position: number,
    line: number,
  ): Promise<ProjectMilestone> {
    const { milestone, indicatorId } = await this.milestoneOf(award, position, line);
    const reported = await this.t.http
      .post(`/api/v1/milestones/${milestone.id}/reports`)
      .set(award.lines[line].bidder.headers)
      .send({
        summary: '完成阶段任务，指标达到阶段目标',
        indicatorProgress: [{ indicatorId, progress: '已达阶段目标' }],
        evidenceAttachmentIds: [],
      });
    ok('report', reported, 201);
    return reported.body as ProjectMilestone;
  }

  private async assessMilestone(
    award: AwardedList,
    position: number,
    outcome: string,
    line: number,
  ): Promise<ProjectMilestone> {
    const { milestone } = await this.milestoneOf(award, position, line);
    if (milestone.status === 'pending' || milestone.status === 'failed') {
      await this.reportMilestone(award, position, line);
    }
    const assessed = await this.t.http
      .post(`/api/v1/milestones/${milestone.id}/assessment`)
      .set(award.admin.headers)
      .send({ outcome, opinion: '专家组评估意见', issuerOpinion: '发榜方同意评估意见' });
    ok('assessment', assessed);
    return assessed.body as ProjectMilestone;
  }
}

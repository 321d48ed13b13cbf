import type { AddressInfo } from 'node:net';
import { createJiebangClient, etagOf, JiebangClient, Problem } from '../../clients/typescript/index';
import { contractChecker } from '../support/openapi-contract';
import { JobQueue } from '../../src/infra/queue/job-queue.service';
import { DAY, promoteDeadline } from '../support/challenges';
import { createAdmin, TEST_PASSWORD, uniqueEmail, validCreditCode } from '../support/factories';
import { unusedTotpCode } from '../support/mfa';
import { commentsFor, scoresFor } from '../support/reviews';
import { createTestApp, TestApp } from '../support/test-app';
import { startTestWorker, TestWorker, waitFor } from '../support/workers';

/** A caller of the scenario: its credentials and a typed client that always sends the latest token. */
interface Caller {
  email: string;
  token: string;
  api: JiebangClient;
  userId?: string;
  organizationId?: string;
  /** An administrator's TOTP secret: its sign-in has a second step (ADR 0044). */
  totpSecret?: string;
}

/**
 * One challenge's whole lifecycle driven only through the typed client (clients/typescript) against a
 * listening server: what compiles here is what the OpenAPI document promises. Only the first admin
 * comes from a factory (no API creates one); the clock and the deadline job are the test's.
 */
describe('the typed client drives a challenge from publication to a paid tranche', () => {
  let t: TestApp;
  let worker: TestWorker;
  let baseUrl: string;
  const callers: Caller[] = [];
  /** Every answer of the scenario is checked against docs/openapi.json as it arrives. */
  const contract = contractChecker();

  /** A typed client for `baseUrl` (anonymous without a token source) that checks the contract. */
  const client = (token?: () => string): JiebangClient => {
    const api = createJiebangClient({ baseUrl, token });
    api.use(contract.middleware);
    return api;
  };

  /** The answer's data, or a failure that shows the problem (never a silent undefined). */
  function ok<T>(what: string, result: { data?: T; error?: unknown; response: Response }): T {
    if (result.data === undefined) {
      throw new Error(`${what}: ${result.response.status} ${JSON.stringify(result.error)}`);
    }
    return result.data;
  }

  const caller = (email: string, token: string): Caller => {
    const c: Caller = { email, token, api: undefined as unknown as JiebangClient };
    c.api = client(() => c.token);
    callers.push(c);
    return c;
  };

  /** Signs in; an administrator (`totpSecret`) passes the second step with a code of the test clock. */
  const signIn = async (email: string, mfa?: { userId: string; totpSecret: string }) => {
    const anonymous = client();
    const answer = ok(
      'login',
      await anonymous.POST('/api/v1/auth/login', { body: { email, password: TEST_PASSWORD } }),
    );
    if (!('mfaRequired' in answer)) return answer;
    if (!mfa) throw new Error(`${email}: the sign-in asks for a TOTP code`);
    const code = await unusedTotpCode(t.dataSource, t.clock, mfa.userId, mfa.totpSecret);
    if (!code) throw new Error(`${email}: no unused TOTP code at this time`);
    return ok(
      'login/mfa',
      await anonymous.POST('/api/v1/auth/login/mfa', { body: { mfaToken: answer.mfaToken, code } }),
    );
  };

  const login = async (email: string): Promise<Caller> => caller(email, (await signIn(email)).accessToken);

  /** Moves the clock; access tokens expire by it, so every caller signs in again. */
  const travel = async (to: Date | string) => {
    t.clock.set(to);
    for (const c of callers) {
      const mfa = c.totpSecret && c.userId ? { userId: c.userId, totpSecret: c.totpSecret } : undefined;
      c.token = (await signIn(c.email, mfa)).accessToken;
    }
  };

  const register = async (role: 'issuer' | 'applicant', organizationName: string): Promise<Caller> => {
    const email = uniqueEmail(role);
    const anonymous = client();
    const registered = ok(
      'register',
      await anonymous.POST('/api/v1/auth/register', {
        body: {
          organizationName,
          organizationType: role === 'issuer' ? 'enterprise' : 'university',
          creditCode: validCreditCode(),
          regionCode: '360100',
          role,
          email,
          password: TEST_PASSWORD,
          displayName: `${organizationName}联系人`,
        },
      }),
    );
    return Object.assign(caller(email, registered.tokens.accessToken), {
      userId: registered.user.id,
      organizationId: registered.organization.id,
    });
  };

  beforeAll(async () => {
    // Every caller signs in again after each move of the clock: room for that under the strict limit.
    t = await createTestApp({ env: { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' } });
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}/`;
    worker = await startTestWorker(t.environment, t.clock);
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it('publishes, applies, checks, reviews, selects, awards, signs and pays', async () => {
    const factoryAdmin = await createAdmin(t);
    const admin = Object.assign(caller(factoryAdmin.email, factoryAdmin.accessToken), {
      userId: factoryAdmin.userId,
      totpSecret: factoryAdmin.totpSecret,
    });
    const issuer = await register('issuer', '南昌电网科技有限公司');
    const applicant = await register('applicant', '南昌大学');
    const expertHome = await register('applicant', '江西省材料研究院');

    // The program and its challenge: draft → submit → approve (published, open from an hour ago).
    const program = ok(
      'program',
      await admin.api.POST('/api/v1/programs', {
        body: {
          name: '南昌市2027年关键核心技术揭榜挂帅',
          year: 2027,
          settings: { panelSize: 3, reserveExperts: 0, minEnterpriseExpertPercent: 0 },
        },
      }),
    );
    const now = t.clock.now().getTime();
    const draft = ok(
      'draft',
      await issuer.api.POST('/api/v1/challenges', {
        body: {
          programId: program.id,
          title: '基于高温超导材料的低损耗电缆关键技术',
          category: 'key_technology',
          industryChain: 'new_materials',
          background: '我省电网企业亟需低损耗输电技术。',
          publicSummary: '研制高温超导电缆样机，临界电流与交流损耗达到国际先进水平。',
          confidentialDetails: '保密：目标电网接入点为某 220kV 变电站。',
          indicators: [
            { name: '临界电流', targetValue: '≥ 500', unit: 'A', verificationMethod: '第三方检测' },
            { name: '交流损耗', targetValue: '≤ 1.0', unit: 'W/m', verificationMethod: '现场测试' },
          ],
          expectedOutcomes: [{ kind: 'prototype', description: '10 米电缆样机 1 套' }],
          totalFen: 500_000_000,
          fiscalFen: 300_000_000,
          cofundingFen: 200_000_000,
          durationMonths: 24,
          opensAt: new Date(now - 60 * 60 * 1000).toISOString(),
          closesAt: new Date(now + 10 * DAY).toISOString(),
          eligibility: { allowedOrganizationTypes: ['university', 'research_institute', 'enterprise'] },
          selectionMode: 'single',
        },
      }),
    );
    expect(draft.status).toBe('draft');
    const path = { params: { path: { id: draft.id } } };
    expect(ok('submit', await issuer.api.POST('/api/v1/challenges/{id}/submit', path)).status).toBe(
      'pending_review',
    );
    const published = ok('approve', await admin.api.POST('/api/v1/challenges/{id}/approve', path));
    expect(published.code).toMatch(/^JB-/);

    // Anyone finds it in the public listing (keyset pagination, filters typed).
    const anonymous = client();
    const listing = ok(
      'listing',
      await anonymous.GET('/api/v1/challenges', { params: { query: { status: 'open', limit: 10 } } }),
    );
    expect(listing.items.map((c) => c.id)).toEqual([draft.id]);
    expect(listing.nextCursor).toBeNull();

    // The applicant's team applies: draft, the leader's pledge, submission.
    const team = ok(
      'team',
      await applicant.api.POST('/api/v1/teams', {
        body: {
          name: '高温超导攻关团队',
          leaderUserId: applicant.userId!,
          members: [
            {
              name: '李工',
              title: '工程师',
              role: '技术骨干',
              organizationId: applicant.organizationId!,
            },
          ],
        },
      }),
    );
    const bid = ok(
      'bid',
      await applicant.api.POST('/api/v1/challenges/{id}/applications', {
        params: { path: { id: draft.id } },
        body: {
          teamId: team.id,
          technicalPlan: '采用第二代高温超导带材，分三阶段完成电缆样机研制与挂网试验。',
          requestedFiscalFen: 150_000_000,
          indicatorCommitments: published.indicators.map((i) => ({
            indicatorId: i.id,
            committedValue: `优于指标：${i.name}`,
          })),
          milestones: [
            { title: '完成材料制备', deliverables: '带材样品与检测报告', dueMonth: 6, sharePercent: 40 },
            { title: '完成样机与挂网', deliverables: '电缆样机与试验报告', dueMonth: 24, sharePercent: 60 },
          ],
        },
      }),
    );
    const bidPath = { params: { path: { id: bid.id } } };
    ok(
      'pledge',
      await applicant.api.POST('/api/v1/applications/{id}/pledge', { ...bidPath, body: { accepted: true } }),
    );
    expect(
      ok('submit bid', await applicant.api.POST('/api/v1/applications/{id}/submit', bidPath)).status,
    ).toBe('submitted');

    // The formal check (形式审查), with the automatic rule results in the answer.
    const checked = ok(
      'formal check',
      await admin.api.POST('/api/v1/applications/{id}/formal-check', {
        ...bidPath,
        body: { outcome: 'eligible' },
      }),
    );
    expect(checked.status).toBe('eligible');

    // Three experts in the pool, made by the admin: accounts (POST /users), then profiles.
    const experts: Caller[] = [];
    for (let i = 1; i <= 3; i++) {
      const email = uniqueEmail(`expert${i}`);
      const user = ok(
        'expert user',
        await admin.api.POST('/api/v1/users', {
          body: {
            organizationId: expertHome.organizationId!,
            email,
            displayName: `评审专家${i}`,
            password: TEST_PASSWORD,
            roles: ['expert'],
          },
        }),
      );
      ok(
        'expert profile',
        await admin.api.POST('/api/v1/experts', {
          body: {
            userId: user.id,
            title: '研究员',
            industryChains: ['new_materials'],
            keywords: ['超导'],
            collaborations: [],
          },
        }),
      );
      experts.push(await login(email));
    }

    // Applications closed: the panel is drawn; each expert declares no conflict, scores and submits.
    await travel(new Date(now + 11 * DAY));
    const panel = ok('draw', await admin.api.POST('/api/v1/challenges/{id}/review', path));
    expect(panel.members).toHaveLength(3);
    for (const expert of experts) {
      const mine = ok(
        'assignments',
        await expert.api.GET('/api/v1/review-assignments', { params: { query: { limit: 100 } } }),
      );
      const assignments = mine.items.filter((a) => a.challenge.id === draft.id);
      expect(assignments).toHaveLength(1);
      const id = { path: { id: assignments[0].id } };
      const declared = await expert.api.POST('/api/v1/review-assignments/{id}/declare', {
        params: id,
        body: { conflict: false },
      });
      ok('declare', declared);
      ok(
        'scores',
        await expert.api.PUT('/api/v1/review-assignments/{id}/scores', {
          params: {
            ...id,
            header: { 'If-Match': etagOf(declared.response) ?? `"${declared.data?.version}"` },
          },
          body: { scores: scoresFor(88), comments: commentsFor() },
        }),
      );
      expect(
        ok('submit scores', await expert.api.POST('/api/v1/review-assignments/{id}/submit', { params: id }))
          .status,
      ).toBe('submitted');
    }
    const ranking = ok('ranking', await admin.api.GET('/api/v1/challenges/{id}/ranking', path));
    expect(ranking.items[0]).toMatchObject({ applicationId: bid.id, passes: true });

    // Selection opens the publicity period (公示); its end is a deadline the worker runs.
    const selected = ok(
      'selection',
      await admin.api.POST('/api/v1/challenges/{id}/selection', {
        ...path,
        body: { applicationIds: [bid.id], issuerAgreement: '经对接洽谈，发榜方同意' },
      }),
    );
    expect(selected.status).toBe('publicity');
    const endsAt = selected.publicityEndsAt as string;
    const notice = ok('publicity', await anonymous.GET('/api/v1/challenges/{id}/publicity', path));
    expect(notice.selected).toEqual([
      expect.objectContaining({ applicationId: bid.id, teamName: '高温超导攻关团队' }),
    ]);

    await travel(endsAt);
    expect(await promoteDeadline(t.get(JobQueue), draft.id, 'challenge.publicity_end', endsAt)).toBe(true);
    await waitFor(
      async () => ok('list', await anonymous.GET('/api/v1/challenges/{id}', path)).status === 'awarded',
      { what: 'the award by the publicity-end job' },
    );

    // The project: the task book's three signatures activate it.
    const projects = ok(
      'projects',
      await issuer.api.GET('/api/v1/projects', { params: { query: { challengeId: draft.id } } }),
    );
    expect(projects.items).toHaveLength(1);
    const project = projects.items[0];
    expect(project).toMatchObject({ applicationId: bid.id, status: 'pending_signature' });
    const projectPath = { params: { path: { id: project.id } } };
    const statuses: string[] = [];
    for (const signer of [issuer, applicant, admin]) {
      statuses.push(ok('sign', await signer.api.POST('/api/v1/projects/{id}/sign', projectPath)).status);
    }
    expect(statuses).toEqual(['pending_signature', 'pending_signature', 'active']);
    const signed = ok('project', await applicant.api.GET('/api/v1/projects/{id}', projectPath));
    expect(signed.signatures.map((s) => s.party).sort()).toEqual(['admin', 'applicant', 'issuer']);
    expect(signed.taskBook.milestones.map((m) => m.sharePercent)).toEqual([40, 60]);

    // The first tranche of the fiscal payer is approved at activation; the admin confirms it paid.
    const ledger = ok('payments', await issuer.api.GET('/api/v1/projects/{id}/payments', projectPath));
    const first = ledger.items.find((p) => p.payer === 'fiscal' && p.kind === 'first');
    expect(first?.status).toBe('approved');
    const paid = ok(
      'confirm',
      await admin.api.POST('/api/v1/payments/{id}/confirm', {
        params: { path: { id: first!.id }, header: { 'Idempotency-Key': `pay-${first!.id}` } },
      }),
    );
    expect(paid).toMatchObject({ status: 'paid', amountFen: first!.amountFen });
    const after = ok('payments', await issuer.api.GET('/api/v1/projects/{id}/payments', projectPath));
    expect(after.totals.find((x) => x.payer === 'fiscal')?.paidFen).toBe(first!.amountFen);

    // A refused call answers the problem, typed: the same confirmation with another key is 409.
    const again = await admin.api.POST('/api/v1/payments/{id}/confirm', {
      params: { path: { id: first!.id }, header: { 'Idempotency-Key': 'another-key' } },
    });
    const problem: Problem | undefined = again.error;
    expect(again.response.status).toBe(409);
    expect(problem?.code).toBe('INVALID_STATE_TRANSITION');

    // Every answer above had a documented status and a body valid against its schema.
    expect(contract.violations).toEqual([]);
    expect(contract.checked()).toBeGreaterThan(40);
  });
});

import { JobQueue } from '../../src/infra/queue/job-queue.service';
import { JobName } from '../../src/infra/queue/queue.constants';
import { deadlineJobId, DeadlineSpec } from '../../src/infra/scheduler/deadline-job';
import { CHALLENGE_DEADLINES } from '../../src/modules/call/challenges/challenge-events';
import { Actor } from './factories';
import { TestApp } from './test-app';

export const DAY = 24 * 60 * 60 * 1000;

/** A program made by an admin over HTTP; settings left out take their defaults. */
export async function createProgram(
  t: TestApp,
  admin: Actor,
  body: Record<string, unknown> = {},
): Promise<string> {
  const res = await t.http
    .post('/api/v1/programs')
    .set(admin.headers)
    .send({ name: '南昌市2027年关键核心技术揭榜挂帅', year: 2027, ...body });
  if (res.status !== 201) throw new Error(`program: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** A valid new challenge, opening in a day and closing in thirty (by the test clock). */
export function challengeBody(t: TestApp, programId: string, overrides: Record<string, unknown> = {}) {
  const now = t.clock.now().getTime();
  return {
    programId,
    title: '基于高温超导材料的低损耗电缆关键技术',
    category: 'key_technology',
    industryChain: 'new_materials',
    background: '我省电网企业亟需低损耗输电技术。',
    publicSummary: '研制高温超导电缆样机，临界电流与交流损耗达到国际先进水平。',
    confidentialDetails: '保密：目标电网接入点为某 220kV 变电站，负荷曲线见附件。',
    indicators: [
      { name: '临界电流', targetValue: '≥ 500', unit: 'A', verificationMethod: '第三方检测' },
      { name: '交流损耗', targetValue: '≤ 1.0', unit: 'W/m', verificationMethod: '现场测试' },
    ],
    expectedOutcomes: [{ kind: 'prototype', description: '10 米电缆样机 1 套' }],
    totalFen: 500_000_000,
    fiscalFen: 300_000_000,
    cofundingFen: 200_000_000,
    durationMonths: 24,
    opensAt: new Date(now + DAY).toISOString(),
    closesAt: new Date(now + 30 * DAY).toISOString(),
    eligibility: { allowedOrganizationTypes: ['university', 'research_institute', 'enterprise'] },
    selectionMode: 'single',
    ...overrides,
  };
}

export async function draftChallenge(
  t: TestApp,
  issuer: Actor,
  programId: string,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; version: number } & Record<string, unknown>> {
  const res = await t.http
    .post('/api/v1/challenges')
    .set(issuer.headers)
    .send(challengeBody(t, programId, overrides));
  if (res.status !== 201) throw new Error(`draft: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Drafted, submitted and approved: published, with a code. */
export async function publishChallenge(
  t: TestApp,
  issuer: Actor,
  admin: Actor,
  programId: string,
  overrides: Record<string, unknown> = {},
): Promise<{ id: string; code: string; version: number } & Record<string, unknown>> {
  const draft = await draftChallenge(t, issuer, programId, overrides);
  return publishDraft(t, issuer, admin, draft.id);
}

/** An existing draft challenge submitted by its issuer and approved by the admin: published, with a code. */
export async function publishDraft(
  t: TestApp,
  issuer: Actor,
  admin: Actor,
  draftId: string,
): Promise<{ id: string; code: string; version: number } & Record<string, unknown>> {
  const submitted = await t.http.post(`/api/v1/challenges/${draftId}/submit`).set(issuer.headers);
  if (submitted.status !== 200)
    throw new Error(`submit: ${submitted.status} ${JSON.stringify(submitted.body)}`);
  const approved = await t.http.post(`/api/v1/challenges/${draftId}/approve`).set(admin.headers);
  if (approved.status !== 200)
    throw new Error(`approve: ${approved.status} ${JSON.stringify(approved.body)}`);
  return approved.body;
}

/**
 * Makes the delayed job of a deadline due now: BullMQ delays are real time, the test clock is not,
 * so after moving the clock the test promotes the delayed job instead of sleeping. False when there
 * is no such job waiting (never scheduled, cancelled, or already run).
 */
export async function promoteJob(jobs: JobQueue, deadline: DeadlineSpec): Promise<boolean> {
  const job = await jobs.getJob(JobName.RunDeadline, deadlineJobId(deadline));
  if (!job || (await job.getState()) !== 'delayed') return false;
  await job.promote();
  return true;
}

/**
 * promoteJob for a deadline of a challenge. `kind` is `open`, `close` or a deadline kind in full (e.g.
 * `challenge.publicity_end`).
 */
export function promoteDeadline(
  jobs: JobQueue,
  challengeId: string,
  kind: keyof typeof CHALLENGE_DEADLINES | `challenge.${string}`,
  dueAt: Date | string,
): Promise<boolean> {
  return promoteJob(jobs, {
    entityType: 'challenge',
    entityId: challengeId,
    kind: kind === 'open' || kind === 'close' ? CHALLENGE_DEADLINES[kind] : kind,
    dueAt: new Date(dueAt),
  });
}

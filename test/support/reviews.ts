import { Actor, createUser } from './factories';
import { TestApp } from './test-app';

/** The default rubric's maxima, in order: 30, 25, 25, 10, 10. */
const RUBRIC = [
  ['technical_approach', 30],
  ['team_capability', 25],
  ['indicator_commitments', 25],
  ['budget_soundness', 10],
  ['industrial_value', 10],
] as const;

/**
 * Scores on the default rubric whose total is exactly `total` (one decimal): each criterion its
 * share of the total in tenths, rounded down, the remainder on the first criterion.
 */
export function scoresFor(total: number): Record<string, number> {
  const tenths = Math.round(total * 10);
  const parts = RUBRIC.map(([, max]) => Math.floor((max * tenths) / 100));
  parts[0] += tenths - parts.reduce((a, b) => a + b, 0);
  return Object.fromEntries(RUBRIC.map(([key], i) => [key, parts[i] / 10]));
}

/** A comment on every criterion (so no low score lacks one). */
export function commentsFor(text = '评审意见'): Record<string, string> {
  return Object.fromEntries(RUBRIC.map(([key]) => [key, `${text}：${key}`]));
}

export interface TestExpert {
  actor: Actor;
  expertId: string;
  version: number;
  displayName: string;
}

/**
 * A user with the expert role in `organizationId`, renamed `displayName` (so tests can scan for
 * it), with a profile in the pool made by the admin over HTTP.
 */
export async function createExpert(
  t: TestApp,
  admin: Actor,
  organizationId: string,
  displayName: string,
  profile: Record<string, unknown> = {},
): Promise<TestExpert> {
  const actor = await createUser(t, organizationId, ['expert'], undefined, displayName);
  const res = await t.http
    .post('/api/v1/experts')
    .set(admin.headers)
    .send({
      userId: actor.userId,
      title: '研究员',
      industryChains: ['new_materials'],
      keywords: ['超导'],
      collaborations: [],
      ...profile,
    });
  if (res.status !== 201) throw new Error(`expert: ${res.status} ${JSON.stringify(res.body)}`);
  return { actor, expertId: res.body.id as string, version: res.body.version as number, displayName };
}

/** Every string value anywhere in a JSON document. */
export function jsonStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(jsonStrings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(jsonStrings);
  return [];
}

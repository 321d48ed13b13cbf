import { Actor, createUser, validCreditCode } from './factories';
import { fixtureNeeds } from './matching-fixture';
import { TestApp } from './test-app';

/**
 * The service network of the transfer loop (TRANSFER.md, ADR 0058) built over HTTP by an admin:
 * centres, need routes and brokers; and a need taken by a broker to `refined`.
 */

function ok(what: string, res: { status: number; body: unknown }, status: number): void {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
}

/** A service centre (an organization of type `service_center`), under `parent` when given: its id. */
export async function serviceCentre(
  t: TestApp,
  admin: Actor,
  name: string,
  regionCode: string,
  parent?: string,
): Promise<string> {
  const res = await t.http
    .post('/api/v1/organizations')
    .set(admin.headers)
    .send({
      name,
      type: 'service_center',
      creditCode: validCreditCode(),
      regionCode,
      ...(parent ? { parentOrganizationId: parent } : {}),
    });
  ok('service centre', res, 201);
  return res.body.id as string;
}

/** Routes the needs of a region (of any chain unless `industryChain` is given) to a centre. */
export async function needRoute(
  t: TestApp,
  admin: Actor,
  route: { regionCode: string; centreOrganizationId: string; industryChain?: string },
): Promise<void> {
  ok('need route', await t.http.post('/api/v1/need-routes').set(admin.headers).send(route), 201);
}

/** A user of the centre with the broker role and a broker profile (fields of expertise as given). */
export async function newBroker(
  t: TestApp,
  admin: Actor,
  centreId: string,
  regionCode: string,
  profile: { industryChains?: string[]; keywords?: string[] } = {},
): Promise<Actor> {
  const user = await createUser(t, centreId, ['broker']);
  const res = await t.http
    .post('/api/v1/brokers')
    .set(admin.headers)
    .send({
      userId: user.userId,
      industryChains: ['new_materials'],
      keywords: [],
      regionCode,
      certificateNumber: `JXJJR-${user.userId.slice(0, 8)}`,
      ...profile,
    });
  ok('broker profile', res, 201);
  return user;
}

/** A need as the API answers it (the fields the transfer tests read). */
export interface NeedBody {
  id: string;
  status: string;
  centreOrganizationId: string | null;
  [field: string]: unknown;
}

export interface RefinedNeedOptions {
  /** Default: fixture n01's confidential details. */
  confidentialDetails?: string;
  /** Default `rare_earths`. */
  industryChain?: string;
  /** The broker's diagnosis of the real problem; default 晶界扩散工艺. */
  realProblem?: string;
  /** False leaves the need diagnosed but not refined (`diagnosing`, not matchable). Default true. */
  refine?: boolean;
}

/**
 * A need the enterprise files (fixture n01's public fields, TRL 6 needed, 矫顽力 ≥ 20 kOe) and the
 * broker of its centre claims, diagnoses and refines, over HTTP: the need as the last step answered.
 */
export async function refinedNeed(
  t: TestApp,
  enterprise: Actor,
  broker: Actor,
  options: RefinedNeedOptions = {},
): Promise<NeedBody> {
  const n01 = fixtureNeeds().find((n) => n.id === 'n01')!;
  const filed = await t.http
    .post('/api/v1/needs')
    .set(enterprise.headers)
    .send({
      title: n01.title,
      publicSummary: n01.summary,
      confidentialDetails: options.confidentialDetails ?? n01.confidential,
      industryChain: options.industryChain ?? 'rare_earths',
      desiredOutcome: '重稀土减量一半，矫顽力不低于20kOe',
      budgetMinFen: 50_000_000,
      budgetMaxFen: 200_000_000,
    });
  ok('file the need', filed, 201);
  const id = filed.body.id as string;
  const step = async (action: string, body: object = {}): Promise<NeedBody> => {
    const res = await t.http.post(`/api/v1/needs/${id}/${action}`).set(broker.headers).send(body);
    ok(action, res, 200);
    return res.body as NeedBody;
  };
  await step('claim');
  const diagnosed = await step('diagnosis', {
    realProblem: options.realProblem ?? '晶界扩散工艺',
    trlNeeded: 6,
    indicators: [{ name: '矫顽力', targetValue: '≥20', unit: 'kOe', verificationMethod: '磁性能测试' }],
  });
  return options.refine === false ? diagnosed : step('refine');
}

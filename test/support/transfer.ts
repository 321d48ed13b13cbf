import { Actor, createUser, validCreditCode } from './factories';
import { TestApp } from './test-app';

/**
 * The service network of the transfer loop (TRANSFER.md, ADR 0058) built over HTTP by an admin:
 * centres, need routes and brokers.
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

import { INestApplicationContext, Type } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { UserPrincipal } from '../common/auth/principal';
import { OrganizationEntity } from '../modules/platform/organizations/entities/organization.entity';
import { OrganizationsService } from '../modules/platform/organizations/organizations.service';
import { UserEntity } from '../modules/platform/users/entities/user.entity';
import { UsersRepository } from '../modules/platform/users/users.repository';
import { UsersService } from '../modules/platform/users/users.service';
import { NeedBrokeringService } from '../modules/transfer/needs/need-brokering.service';
import { NeedFilingService } from '../modules/transfer/needs/need-filing.service';
import {
  DiagnoseNeedDto,
  FileNeedDto,
  PromoteNeedDto,
  RefineNeedDto,
} from '../modules/transfer/needs/dto/need-input.dto';
import { NeedEntity } from '../modules/transfer/needs/entities/need.entity';
import { BrokersRepository } from '../modules/transfer/network/brokers.repository';
import { BrokersService } from '../modules/transfer/network/brokers.service';
import { CreateBrokerProfileDto, CreateNeedRouteDto } from '../modules/transfer/network/dto/network.dto';
import { NeedRoutesService } from '../modules/transfer/network/need-routes.service';
import {
  DEMO_BROKER,
  DEMO_CENTRES,
  DEMO_NEED_ROUTES,
  DEMO_NEEDS,
  DEMO_REGISTRAR,
  DemoCentreUser,
  DemoNeed,
} from './demo-transfer-data';
import { pastProjectPending, seedPastProject } from './seed-past-project';
import { checked, DemoAccount, principalOf, shanghaiDate, TransferInput } from './seed-support';

export type { TransferInput } from './seed-support';

export interface TransferOutcome {
  accounts: DemoAccount[];
  /** One line for the seed's summary. */
  summary: string;
}

/**
 * The transfer loop of the demo (src/seed/demo-transfer-data.ts), through the services: the service
 * network (centres under the provincial centre along `parent`), the routing table, the broker (with
 * its profile) and the registrar, the enterprises' needs taken to their stage by the broker, and the
 * earlier year's accepted project with its result and registered licence contract
 * (src/seed/seed-past-project.ts). Idempotent: every step looks for what it would make first
 * (centres by credit code, users by email, routes by region and chain, needs by enterprise and
 * title, then each need's next step).
 */
export async function seedTransfer(
  app: INestApplicationContext,
  input: TransferInput,
): Promise<TransferOutcome> {
  const get = <T>(type: Type<T>): T => app.get(type, { strict: false });
  const dataSource = get(DataSource);
  const centres = new Map<string, string>();
  for (const centre of DEMO_CENTRES) {
    centres.set(centre.key, await ensureCentre(app, input.admin, centre, centres));
  }
  const [broker, registrar] = [
    await ensureCentreUser(app, input, DEMO_BROKER, centres),
    await ensureCentreUser(app, input, DEMO_REGISTRAR, centres),
  ];
  if (!(await get(BrokersRepository).findByUser(broker.principal.userId))) {
    await get(BrokersService).create(
      input.admin,
      await checked(CreateBrokerProfileDto, { userId: broker.principal.userId, ...DEMO_BROKER.profile }),
    );
  }
  for (const route of DEMO_NEED_ROUTES) {
    const [found] = await dataSource.query<unknown[]>(
      `SELECT 1 FROM need_routes WHERE region_code = $1 AND industry_chain_code = $2`,
      [route.regionCode, route.industryChain ?? ''],
    );
    if (found) continue;
    await get(NeedRoutesService).create(
      input.admin,
      await checked(CreateNeedRouteDto, {
        regionCode: route.regionCode,
        industryChain: route.industryChain ?? null,
        centreOrganizationId: centres.get(route.centre),
      }),
    );
  }
  for (const need of DEMO_NEEDS) await ensureNeed(app, input, need, broker.principal);
  const past = await seedPastProject(app, {
    ...input,
    broker: broker.principal,
    registrar: registrar.principal,
  });

  return {
    accounts: [broker.account, registrar.account],
    summary:
      `Transfer loop: ${DEMO_CENTRES.length} service centres (1 provincial, 2 sub-centres, 2 stations), ` +
      `${DEMO_NEEDS.length} needs (one promoted to a draft list), result "${past.resultTitle}" (verified TRL ${past.verifiedTrl}), ` +
      `licence contract ${past.registrationNumber}.`,
  };
}

/** Whether a run would add anything to the transfer part (false when it is all there, at its stage). */
export async function transferPending(dataSource: DataSource): Promise<boolean> {
  const centres = await dataSource
    .getRepository(OrganizationEntity)
    .count({ where: { creditCode: In(DEMO_CENTRES.map((c) => c.creditCode)), verified: true } });
  if (centres < DEMO_CENTRES.length) return true;
  const [row] = await dataSource.query<Array<{ users: number; profiles: number; routes: number }>>(
    `SELECT (SELECT count(*)::int FROM users WHERE email = ANY($1)) AS users,
            (SELECT count(*)::int FROM broker_profiles p JOIN users u ON u.id = p.user_id WHERE u.email = $2) AS profiles,
            (SELECT count(*)::int FROM need_routes WHERE (region_code, industry_chain_code) IN
               (SELECT * FROM unnest($3::text[], $4::text[]))) AS routes`,
    [
      [DEMO_BROKER.email, DEMO_REGISTRAR.email],
      DEMO_BROKER.email,
      DEMO_NEED_ROUTES.map((r) => r.regionCode),
      DEMO_NEED_ROUTES.map((r) => r.industryChain ?? ''),
    ],
  );
  if (row.users < 2 || row.profiles < 1 || row.routes < DEMO_NEED_ROUTES.length) return true;
  const needs = await dataSource
    .getRepository(NeedEntity)
    .find({ where: { title: In(DEMO_NEEDS.map((n) => n.body.title)) } });
  if (DEMO_NEEDS.some((n) => !needs.some((row) => row.title === n.body.title && row.status === n.stage))) {
    return true;
  }
  return pastProjectPending(dataSource);
}

/** A service centre (by credit code), under its parent, created by the admin and verified. */
async function ensureCentre(
  app: INestApplicationContext,
  admin: UserPrincipal,
  centre: (typeof DEMO_CENTRES)[number],
  made: ReadonlyMap<string, string>,
): Promise<string> {
  const organizations = app.get(OrganizationsService, { strict: false });
  const dataSource = app.get(DataSource, { strict: false });
  const org = await dataSource.transaction(
    async (em) =>
      (await em.findOne(OrganizationEntity, { where: { creditCode: centre.creditCode } })) ??
      (await organizations.createInTransaction(em, admin, {
        name: centre.name,
        type: 'service_center',
        creditCode: centre.creditCode,
        regionCode: centre.regionCode,
        parentOrganizationId: centre.parent ? made.get(centre.parent) : null,
      })),
  );
  if (!org.verified) await organizations.verify(admin, org.id, org.version);
  return org.id;
}

/** The broker or the registrar: a user of its centre with that role, found by email. */
async function ensureCentreUser(
  app: INestApplicationContext,
  input: TransferInput,
  demo: DemoCentreUser,
  centres: ReadonlyMap<string, string>,
): Promise<{ principal: UserPrincipal; account: DemoAccount }> {
  const dataSource = app.get(DataSource, { strict: false });
  const usersRepository = app.get(UsersRepository, { strict: false });
  const users = app.get(UsersService, { strict: false });
  const centre = DEMO_CENTRES.find((c) => c.key === demo.centre);
  const organizationId = centres.get(demo.centre);
  if (!centre || !organizationId) throw new Error(`Unknown demo centre ${demo.centre}`);
  const { user, created } = await dataSource.transaction(async (em) => {
    const existing = await usersRepository.findByEmail(demo.email, em);
    if (existing) return { user: existing, created: false };
    const made: UserEntity = await users.createInTransaction(em, input.admin, {
      organizationId,
      email: demo.email,
      displayName: demo.displayName,
      password: input.password,
      roles: [demo.role],
    });
    return { user: made, created: true };
  });
  return {
    principal: principalOf(user),
    account: { email: user.email, role: demo.role, organization: centre.name, created },
  };
}

/** A need filed by its enterprise's contact (found by enterprise and title), then taken to its stage by the broker. */
async function ensureNeed(
  app: INestApplicationContext,
  input: TransferInput,
  demo: DemoNeed,
  broker: UserPrincipal,
): Promise<void> {
  const get = <T>(type: Type<T>): T => app.get(type, { strict: false });
  const enterprise = input.members.get(demo.enterprise);
  if (!enterprise) throw new Error(`Unknown demo enterprise ${demo.enterprise}`);
  const row = await get(DataSource)
    .getRepository(NeedEntity)
    .findOne({ where: { enterpriseOrganizationId: enterprise.organizationId, title: demo.body.title } });
  let need = row
    ? { id: row.id, version: row.version, status: row.status as string, diagnosed: row.diagnosedAt !== null }
    : null;
  if (!need) {
    const filed = await get(NeedFilingService).file(
      enterprise.principal,
      await checked(FileNeedDto, demo.body),
    );
    need = { id: filed.id, version: filed.version, status: filed.status, diagnosed: false };
  }
  const brokering = get(NeedBrokeringService);
  const track = (n: { id: string; version: number; status: string }, diagnosed: boolean) => ({
    id: n.id,
    version: n.version,
    status: n.status,
    diagnosed,
  });
  if (demo.stage === 'submitted') return;
  if (need.status === 'submitted') {
    need = track(await brokering.claim(broker, need.id, need.version), false);
  }
  if (need.status === 'diagnosing' && !need.diagnosed && demo.diagnosis) {
    const dto = await checked(DiagnoseNeedDto, demo.diagnosis);
    need = track(await brokering.diagnose(broker, need.id, dto, need.version), true);
  }
  if ((demo.stage === 'refined' || demo.stage === 'listed') && need.status === 'diagnosing') {
    const dto = await checked(
      RefineNeedDto,
      demo.refinedSummary ? { publicSummary: demo.refinedSummary } : {},
    );
    need = track(await brokering.refine(broker, need.id, dto, need.version), true);
  }
  if (demo.stage === 'listed' && demo.promotion && need.status === 'refined') {
    const { opensInDays, windowDays, durationMonths, fiscalFen } = demo.promotion;
    const now = input.clock.now();
    const dto = await checked(PromoteNeedDto, {
      programId: input.programId,
      opensAt: `${shanghaiDate(now, opensInDays)}T09:00:00+08:00`,
      closesAt: `${shanghaiDate(now, opensInDays + windowDays)}T17:00:00+08:00`,
      durationMonths,
      fiscalFen,
    });
    await brokering.promote(broker, need.id, dto, need.version);
  }
}

import { randomBytes } from 'node:crypto';
import { INestApplicationContext, Type } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UserPrincipal } from '../common/auth/principal';
import { DomainError } from '../common/errors/domain-error';
import { createValidationPipe } from '../common/errors/validation';
import { Clock } from '../infra/clock/clock';
import { APP_CONFIG } from '../infra/config/config';
import type { AppConfig } from '../infra/config/config';
import { ChallengesRepository } from '../modules/challenges/challenges.repository';
import { ChallengesService } from '../modules/challenges/challenges.service';
import { AmendChallengeDto, CreateChallengeDto } from '../modules/challenges/dto/challenge-input.dto';
import { ChallengeEntity } from '../modules/challenges/entities/challenge.entity';
import { OrganizationEntity } from '../modules/organizations/entities/organization.entity';
import { OrganizationsService } from '../modules/organizations/organizations.service';
import { CreateProgramDto } from '../modules/programs/dto/program.dto';
import { ProgramEntity } from '../modules/programs/entities/program.entity';
import { ProgramsService } from '../modules/programs/programs.service';
import { UserEntity } from '../modules/users/entities/user.entity';
import { UsersRepository } from '../modules/users/users.repository';
import { UsersService } from '../modules/users/users.service';
import {
  DEMO_ADMIN_EMAIL,
  DEMO_CHALLENGES,
  DEMO_ORGANIZATIONS,
  DEMO_PROGRAM,
  DemoChallenge,
  DemoOrganization,
} from './demo-data';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface SeedDemoOptions {
  /** "Now" for the application windows; default: the application's Clock. */
  clock?: Clock;
  /**
   * Password of the demo accounts this run creates (SEED_DEMO_PASSWORD); default: a random one,
   * printed once.
   */
  password?: string;
  /** Where the summary goes; default stdout, prefixed with `[seed]`. */
  log?: (line: string) => void;
}

export interface DemoAccount {
  email: string;
  role: 'admin' | 'issuer' | 'applicant';
  organization: string;
  /** Whether this run created it (and so set its password). */
  created: boolean;
}

export interface SeedDemoResult {
  status: 'created' | 'skipped';
  programId: string;
  /** Demo lists created by this run, and in the program now. */
  challenges: { created: number; total: number };
  accounts: DemoAccount[];
  durationMs: number;
}

interface Services {
  dataSource: DataSource;
  config: AppConfig;
  users: UsersService;
  usersRepository: UsersRepository;
  organizations: OrganizationsService;
  programs: ProgramsService;
  challenges: ChallengesService;
  challengesRepository: ChallengesRepository;
}

/**
 * Loads the demo data (src/seed/demo-data.ts) through the real services, as the API would: codes,
 * audit events, outbox events and deadline rows are all created the production way. An admin
 * approves; each issuer drafts and submits its own lists.
 *
 * Idempotent: when the demo program already holds every demo list it does nothing; after an
 * interrupted run it completes what is missing (organizations by credit code, users by email, lists
 * by title), so running it twice never duplicates anything.
 */
export async function seedDemo(
  app: INestApplicationContext,
  options: SeedDemoOptions = {},
): Promise<SeedDemoResult> {
  const started = Date.now();
  const log = options.log ?? ((line: string) => console.log(`[seed] ${line}`));
  const get = <T>(type: Type<T>): T => app.get(type, { strict: false });
  const clock = options.clock ?? get(Clock);
  const s: Services = {
    dataSource: get(DataSource),
    config: app.get<AppConfig>(APP_CONFIG, { strict: false }),
    users: get(UsersService),
    usersRepository: get(UsersRepository),
    organizations: get(OrganizationsService),
    programs: get(ProgramsService),
    challenges: get(ChallengesService),
    challengesRepository: get(ChallengesRepository),
  };

  const existingProgram = await findDemoProgram(s.dataSource);
  if (existingProgram) {
    const titles = await demoTitles(s.dataSource, existingProgram.id);
    if (DEMO_CHALLENGES.every((c) => titles.has(c.body.title))) {
      log(`Demo data already present (program "${existingProgram.name}"): nothing to do.`);
      return {
        status: 'skipped',
        programId: existingProgram.id,
        challenges: { created: 0, total: titles.size },
        accounts: [],
        durationMs: Date.now() - started,
      };
    }
    log('Demo program found but incomplete: adding what is missing.');
  }

  const password = options.password ?? randomBytes(12).toString('base64url');
  const { admin, account: adminAccount } = await resolveAdmin(s, password);

  const members = await Promise.all(
    DEMO_ORGANIZATIONS.map((org) => ensureOrganization(s, admin, org, password)),
  );
  const issuers = new Map(members.map((m) => [m.key, m.principal]));

  const program =
    existingProgram ??
    (await s.programs.create(
      admin,
      await checked(CreateProgramDto, {
        name: DEMO_PROGRAM.name,
        year: DEMO_PROGRAM.year,
        description: DEMO_PROGRAM.description,
      }),
    ));

  const existing = await existingChallenges(s.dataSource, program.id);
  const now = clock.now();
  // Drafted and submitted side by side; approved one after the other, so codes follow the demo order.
  const lists = await Promise.all(
    DEMO_CHALLENGES.map(async (demo) => {
      const issuer = issuers.get(demo.issuer);
      if (!issuer) throw new Error(`Unknown demo issuer ${demo.issuer}`);
      const had = existing.get(demo.body.title);
      const state = await draftAndSubmit(s, { issuer, programId: program.id, demo, now, had });
      return { demo, issuer, state };
    }),
  );
  for (const list of lists) await approveAndAmend(s, admin, list);
  const created = DEMO_CHALLENGES.filter((c) => !existing.has(c.body.title)).length;

  const durationMs = Date.now() - started;
  const accounts = [adminAccount, ...members.map((m) => m.account)];
  printSummary(log, { programName: program.name, created, accounts, password, options, durationMs });
  return {
    status: 'created',
    programId: program.id,
    challenges: { created, total: (await demoTitles(s.dataSource, program.id)).size },
    accounts,
    durationMs,
  };
}

/** The DTO as the HTTP API would hand it to the service: validated and transformed by the global pipe. */
async function checked<T extends object>(metatype: Type<T>, body: object): Promise<T> {
  try {
    return (await createValidationPipe().transform(body, { type: 'body', metatype })) as T;
  } catch (error) {
    if (error instanceof DomainError) {
      throw new Error(`Invalid demo data (${metatype.name}): ${JSON.stringify(error.options.errors)}`);
    }
    throw error;
  }
}

function principalOf(user: UserEntity): UserPrincipal {
  return { kind: 'user', userId: user.id, organizationId: user.organizationId, roles: [...user.roles] };
}

function findDemoProgram(dataSource: DataSource): Promise<ProgramEntity | null> {
  return dataSource
    .getRepository(ProgramEntity)
    .findOne({ where: { name: DEMO_PROGRAM.name }, order: { createdAt: 'ASC' } });
}

async function existingChallenges(dataSource: DataSource, programId: string) {
  const rows = await dataSource.getRepository(ChallengeEntity).find({ where: { programId } });
  return new Map(rows.map((c) => [c.title, c]));
}

async function demoTitles(dataSource: DataSource, programId: string): Promise<Set<string>> {
  const demo = new Set(DEMO_CHALLENGES.map((c) => c.body.title));
  return new Set([...(await existingChallenges(dataSource, programId)).keys()].filter((t) => demo.has(t)));
}

/**
 * The approving admin: ADMIN_EMAIL when configured (made an admin as at start-up), else the first
 * existing admin, else a new demo admin with the demo password.
 */
async function resolveAdmin(
  s: Services,
  password: string,
): Promise<{ admin: UserPrincipal; account: DemoAccount }> {
  const platform = '平台运营方';
  if (s.config.ADMIN_EMAIL && s.config.ADMIN_PASSWORD) {
    const user = await s.users.ensureFirstAdmin(s.config.ADMIN_EMAIL, s.config.ADMIN_PASSWORD);
    return {
      admin: principalOf(user),
      account: { email: user.email, role: 'admin', organization: platform, created: false },
    };
  }
  const existing = await s.usersRepository.anyAdmin();
  if (existing) {
    return {
      admin: principalOf(existing),
      account: { email: existing.email, role: 'admin', organization: platform, created: false },
    };
  }
  const user = await s.users.ensureFirstAdmin(DEMO_ADMIN_EMAIL, password);
  return {
    admin: principalOf(user),
    account: { email: user.email, role: 'admin', organization: platform, created: true },
  };
}

/** The organization (by credit code) and its demo user (by email), created by the admin, verified. */
async function ensureOrganization(
  s: Services,
  admin: UserPrincipal,
  demo: DemoOrganization,
  password: string,
): Promise<{ key: string; principal: UserPrincipal; account: DemoAccount }> {
  const { organization, user, created } = await s.dataSource.transaction(async (em) => {
    const org =
      (await em.findOne(OrganizationEntity, { where: { creditCode: demo.creditCode } })) ??
      (await s.organizations.createInTransaction(em, admin, {
        name: demo.name,
        type: demo.type,
        creditCode: demo.creditCode,
        regionCode: demo.regionCode,
      }));
    const existing = await s.usersRepository.findByEmail(demo.user.email, em);
    const member =
      existing ??
      (await s.users.createInTransaction(em, admin, {
        organizationId: org.id,
        email: demo.user.email,
        displayName: demo.user.displayName,
        password,
        roles: [demo.user.role],
      }));
    return { organization: org, user: member, created: !existing };
  });
  if (!organization.verified) await s.organizations.verify(admin, organization.id, organization.version);
  return {
    key: demo.key,
    principal: principalOf(user),
    account: { email: user.email, role: demo.user.role, organization: organization.name, created },
  };
}

/** YYYY-MM-DD in Asia/Shanghai, `days` after `now`. */
function shanghaiDate(now: Date, days: number): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(now.getTime() + days * DAY_MS));
}

/** Opens at 09:00 and closes at 17:00 Beijing time: two days ago or in a week, for windowDays days. */
function windowOf(demo: DemoChallenge, now: Date): { opensAt: string; closesAt: string } {
  const opensInDays = demo.window === 'open' ? -2 : 7;
  return {
    opensAt: `${shanghaiDate(now, opensInDays)}T09:00:00+08:00`,
    closesAt: `${shanghaiDate(now, opensInDays + demo.windowDays)}T17:00:00+08:00`,
  };
}

interface ListState {
  id: string;
  status: string;
  version: number;
  closesAt: Date;
}

function stateOf(list: { id: string; status: string; version: number; closesAt: Date | string }): ListState {
  return { id: list.id, status: list.status, version: list.version, closesAt: new Date(list.closesAt) };
}

/** Creates the list if missing (as its issuer) and submits it unless it is to stay a draft. */
async function draftAndSubmit(
  s: Services,
  input: {
    issuer: UserPrincipal;
    programId: string;
    demo: DemoChallenge;
    now: Date;
    had: ChallengeEntity | undefined;
  },
): Promise<ListState> {
  const { issuer, demo } = input;
  let state: ListState;
  if (input.had) {
    state = stateOf(input.had);
  } else {
    const dto = await checked(CreateChallengeDto, {
      ...demo.body,
      programId: input.programId,
      ...windowOf(demo, input.now),
    });
    state = stateOf(await s.challenges.create(issuer, dto));
  }
  if (demo.stage === 'draft' || state.status !== 'draft') return state;
  return stateOf(await s.challenges.submit(issuer, state.id, state.version));
}

/** The admin approves (publishes) a submitted list; the issuer then amends it if the demo says so. */
async function approveAndAmend(
  s: Services,
  admin: UserPrincipal,
  list: { demo: DemoChallenge; issuer: UserPrincipal; state: ListState },
): Promise<void> {
  const { demo, issuer } = list;
  let state = list.state;
  if (demo.stage !== 'published') return;
  if (state.status === 'pending_review') {
    state = stateOf(await s.challenges.approve(admin, state.id, state.version));
  }
  if (!demo.amendment || (await s.challengesRepository.amendmentCount(state.id)) > 0) return;
  const amendment = await checked(AmendChallengeDto, {
    reason: demo.amendment.reason,
    changes: {
      closesAt: new Date(state.closesAt.getTime() + demo.amendment.extendDays * DAY_MS).toISOString(),
    },
  });
  await s.challenges.amend(issuer, state.id, amendment, state.version);
}

function printSummary(
  log: (line: string) => void,
  input: {
    programName: string;
    created: number;
    accounts: DemoAccount[];
    password: string;
    options: SeedDemoOptions;
    durationMs: number;
  },
): void {
  const counts = DEMO_CHALLENGES.reduce<Record<string, number>>(
    (acc, c) => ({ ...acc, [c.stage]: (acc[c.stage] ?? 0) + 1 }),
    {},
  );
  log(
    `Demo data loaded in ${(input.durationMs / 1000).toFixed(1)} s: program "${input.programName}", ` +
      `${input.created} new challenge lists (of ${DEMO_CHALLENGES.length}: ${counts.published ?? 0} published, ` +
      `${counts.pending_review ?? 0} pending review, ${counts.draft ?? 0} draft).`,
  );
  const newAccounts = input.accounts.filter((a) => a.created);
  log('Demo accounts:');
  for (const a of input.accounts) {
    const note = a.created ? '' : '   (existing account, password unchanged)';
    log(`  ${a.role.padEnd(9)} ${a.email.padEnd(32)} ${a.organization}${note}`);
  }
  if (!newAccounts.length) return;
  log(
    input.options.password
      ? 'Password of the new demo accounts: the value of SEED_DEMO_PASSWORD.'
      : `Password of the new demo accounts: ${input.password}   (shown only this once; set SEED_DEMO_PASSWORD to choose it)`,
  );
}

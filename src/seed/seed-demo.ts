import { randomBytes } from 'node:crypto';
import { INestApplicationContext, Type } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { UserPrincipal } from '../common/auth/principal';
import { Clock } from '../infra/clock/clock';
import { APP_CONFIG } from '../infra/config/config';
import type { AppConfig } from '../infra/config/config';
import { APPLICATION_STATUSES, ApplicationStatus } from '../modules/call/applications/application-status';
import { ApplicationSubmissionService } from '../modules/call/applications/application-submission.service';
import { ApplicationsService } from '../modules/call/applications/applications.service';
import { FormalCheckService } from '../modules/call/applications/formal-check.service';
import { CreateApplicationDto, FormalCheckDto } from '../modules/call/applications/dto/application-input.dto';
import { ApplicationResponseDto } from '../modules/call/applications/dto/application-response.dto';
import { ApplicationEntity } from '../modules/call/applications/entities/application.entity';
import { effectiveStatus } from '../modules/call/challenges/challenge-status';
import { ChallengesRepository } from '../modules/call/challenges/challenges.repository';
import { ChallengeAmendmentsService } from '../modules/call/challenges/challenge-amendments.service';
import { ChallengeAuthoringService } from '../modules/call/challenges/challenge-authoring.service';
import { ChallengeVettingService } from '../modules/call/challenges/challenge-vetting.service';
import { AmendChallengeDto, CreateChallengeDto } from '../modules/call/challenges/dto/challenge-input.dto';
import { ChallengeEntity } from '../modules/call/challenges/entities/challenge.entity';
import { MfaEnrolmentService } from '../modules/platform/auth/mfa/mfa-enrolment.service';
import { newTotpSecret, totpUri } from '../modules/platform/auth/mfa/totp';
import { OrganizationEntity } from '../modules/platform/organizations/entities/organization.entity';
import { OrganizationsService } from '../modules/platform/organizations/organizations.service';
import { CreateProgramDto } from '../modules/call/programs/dto/program.dto';
import { ProgramEntity } from '../modules/call/programs/entities/program.entity';
import { ProgramsService } from '../modules/call/programs/programs.service';
import { CreateTeamDto } from '../modules/call/teams/dto/team-input.dto';
import { TeamEntity } from '../modules/call/teams/entities/team.entity';
import { TeamsService } from '../modules/call/teams/teams.service';
import { UsersRepository } from '../modules/platform/users/users.repository';
import { UsersService } from '../modules/platform/users/users.service';
import {
  DEMO_ADMIN_EMAIL,
  DEMO_APPLICATIONS,
  DEMO_CHALLENGES,
  DEMO_LEADERS,
  DEMO_ORGANIZATIONS,
  DEMO_PROGRAM,
  DEMO_TEAMS,
  DemoApplication,
  DemoChallenge,
  DemoLeader,
  DemoOrganization,
  DemoTeam,
} from './demo-data';
import { recordDemoTotpSecret, writeDemoAccounts } from './demo-accounts-file';
import { checked, DemoAccount, principalOf, shanghaiDate } from './seed-support';
import { seedTransfer, transferPending } from './seed-transfer';

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
  /**
   * DATA_DIR/demo-accounts.txt (src/seed/demo-accounts-file.ts): when given, the accounts and their
   * password are written there (mode 0600) and the summary names the file instead of printing them.
   */
  accountsFile?: string;
  /**
   * The TOTP secret (base32) the demo admin is enrolled with when this run enrols it (ADR 0044:
   * administrators sign in with a second factor); default: a new random one, printed once.
   */
  totpSecret?: string;
}

export type { DemoAccount } from './seed-support';

export interface SeedDemoResult {
  status: 'created' | 'skipped';
  programId: string;
  /** Demo challenges created by this run, and in the program now. */
  challenges: { created: number; total: number };
  /** Demo teams created by this run, and present now. */
  teams: { created: number; total: number };
  /** Demo applications created by this run, and on the demo challenges now. */
  applications: { created: number; total: number };
  accounts: DemoAccount[];
  durationMs: number;
}

interface Services {
  dataSource: DataSource;
  config: AppConfig;
  users: UsersService;
  usersRepository: UsersRepository;
  mfa: MfaEnrolmentService;
  organizations: OrganizationsService;
  programs: ProgramsService;
  challenges: ChallengeAuthoringService;
  challengeVetting: ChallengeVettingService;
  challengeAmendments: ChallengeAmendmentsService;
  challengesRepository: ChallengesRepository;
  teams: TeamsService;
  applications: ApplicationsService;
  applicationSubmission: ApplicationSubmissionService;
  formalChecks: FormalCheckService;
  clock: Clock;
}

/**
 * Loads the demo data (src/seed/demo-data.ts) through the real services, as the API would: codes,
 * audit events, outbox events and deadline rows are all created the production way. An admin
 * approves; each issuer drafts and submits its own challenges; each applicant's contact account creates
 * its teams and applications, the team leaders take the pledges, and the admin formally checks two applications.
 *
 * Idempotent: when the demo program already holds every demo challenge and every demo application has got as far
 * as the demo takes it, it does nothing; after an interrupted run it completes what is missing
 * (organizations by credit code, users by email, challenges by title, teams by lead organization and
 * name, applications by challenge and team, then each application's next step), so running it twice never duplicates
 * anything. An application whose challenge is no longer open is left as it is.
 */
export async function seedDemo(
  app: INestApplicationContext,
  options: SeedDemoOptions = {},
): Promise<SeedDemoResult> {
  const started = Date.now();
  const log = options.log ?? ((line: string) => console.log(`[seed] ${line}`));
  const get = <T>(type: Type<T>): T => app.get(type, { strict: false });
  const s: Services = {
    dataSource: get(DataSource),
    config: app.get<AppConfig>(APP_CONFIG, { strict: false }),
    users: get(UsersService),
    usersRepository: get(UsersRepository),
    mfa: get(MfaEnrolmentService),
    organizations: get(OrganizationsService),
    programs: get(ProgramsService),
    challenges: get(ChallengeAuthoringService),
    challengeVetting: get(ChallengeVettingService),
    challengeAmendments: get(ChallengeAmendmentsService),
    challengesRepository: get(ChallengesRepository),
    teams: get(TeamsService),
    applications: get(ApplicationsService),
    applicationSubmission: get(ApplicationSubmissionService),
    formalChecks: get(FormalCheckService),
    clock: options.clock ?? get(Clock),
  };

  const existingProgram = await findDemoProgram(s.dataSource);
  if (existingProgram) {
    const titles = await demoTitles(s.dataSource, existingProgram.id);
    if (DEMO_CHALLENGES.every((c) => titles.has(c.body.title))) {
      const state = await loadApplicationState(s.dataSource, existingProgram.id);
      if (!pendingApplicationWork(state, s.clock.now()) && !(await transferPending(s.dataSource))) {
        log(`Demo data already present (program "${existingProgram.name}"): nothing to do.`);
        return {
          status: 'skipped',
          programId: existingProgram.id,
          challenges: { created: 0, total: titles.size },
          teams: { created: 0, total: state.teams.size },
          applications: { created: 0, total: state.applications.size },
          accounts: [],
          durationMs: Date.now() - started,
        };
      }
    }
    log('Demo program found but incomplete: adding what is missing.');
  }

  const password = options.password ?? randomBytes(12).toString('base64url');
  const { admin, account: adminAccount } = await resolveAdmin(s, password, options.totpSecret);

  const members = await settleAll(
    DEMO_ORGANIZATIONS.map((org) => ensureOrganization(s, admin, org, password)),
  );
  // The leaders' password hashes keep the CPU busy while the challenges wait on the database.
  const [leaders, { program, created }] = await settleBoth(
    settleAll(DEMO_LEADERS.map((leader) => ensureLeader(s, admin, leader, members, password))),
    seedChallenges(s, { admin, existingProgram, members }),
  );

  const outcome = await seedApplications(s, { admin, programId: program.id, members, leaders, log });
  const transfer = await seedTransfer(app, {
    admin,
    members: new Map(
      members.map((m) => [m.key, { organizationId: m.organizationId, principal: m.principal }]),
    ),
    leaders: new Map(leaders.map((l) => [l.key, l.principal])),
    password,
    clock: s.clock,
    programId: program.id,
  });

  const durationMs = Date.now() - started;
  const accounts = [
    adminAccount,
    ...members.map((m) => m.account),
    ...leaders.map((l) => l.account),
    ...transfer.accounts,
  ];
  printSummary(log, {
    programName: program.name,
    created,
    applications: outcome,
    transfer: transfer.summary,
    accounts,
    password,
    options,
    durationMs,
  });
  return {
    status: 'created',
    programId: program.id,
    challenges: { created, total: (await demoTitles(s.dataSource, program.id)).size },
    teams: outcome.teams,
    applications: outcome.applications,
    accounts,
    durationMs,
  };
}

/**
 * Promise.all that waits for every task before rejecting, so that no step of an interrupted run is
 * still writing when the caller (or a second run) goes on.
 */
async function settleAll<T>(tasks: Array<Promise<T>>): Promise<T[]> {
  const results = await Promise.allSettled(tasks);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}

/** Both results, after both have settled (see settleAll). */
async function settleBoth<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === 'rejected') throw ra.reason;
  if (rb.status === 'rejected') throw rb.reason;
  return [ra.value, rb.value];
}

/** The program (unless it exists) and its challenges: drafted, submitted, approved, amended. */
async function seedChallenges(
  s: Services,
  input: { admin: UserPrincipal; existingProgram: ProgramEntity | null; members: DemoMember[] },
): Promise<{ program: { id: string; name: string }; created: number }> {
  const { admin } = input;
  const issuers = new Map(input.members.map((m) => [m.key, m.principal]));
  const program =
    input.existingProgram ??
    (await s.programs.create(
      admin,
      await checked(CreateProgramDto, {
        name: DEMO_PROGRAM.name,
        year: DEMO_PROGRAM.year,
        description: DEMO_PROGRAM.description,
      }),
    ));

  const existing = await existingChallenges(s.dataSource, program.id);
  const now = s.clock.now();
  // Drafted and submitted side by side; approved one after the other, so codes follow the demo order.
  const challenges = await settleAll(
    DEMO_CHALLENGES.map(async (demo) => {
      const issuer = issuers.get(demo.issuer);
      if (!issuer) throw new Error(`Unknown demo issuer ${demo.issuer}`);
      const had = existing.get(demo.body.title);
      const state = await draftAndSubmit(s, { issuer, programId: program.id, demo, now, had });
      return { demo, issuer, state };
    }),
  );
  for (const challenge of challenges) await approveAndAmend(s, admin, challenge);
  return { program, created: DEMO_CHALLENGES.filter((c) => !existing.has(c.body.title)).length };
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
 * existing admin, else a new demo admin with the demo password. The demo admin is enrolled in TOTP
 * (unless it already is) with `totpSecret` or a new secret, given back on its account; ADMIN_EMAIL
 * and other existing admins enrol themselves at their first sign-in (docs/operations.md).
 */
async function resolveAdmin(
  s: Services,
  password: string,
  totpSecret?: string,
): Promise<{ admin: UserPrincipal; account: DemoAccount }> {
  const resolved = await findOrCreateAdmin(s, password);
  if (resolved.account.email !== DEMO_ADMIN_EMAIL) return resolved;
  if ((await s.mfa.status(resolved.admin)).totp === 'confirmed') return resolved;
  const secret = totpSecret ?? newTotpSecret();
  await s.mfa.enrolWithSecret(resolved.admin.userId, secret);
  const totp = { secret, otpauthUri: totpUri(secret, resolved.account.email) };
  return { ...resolved, account: { ...resolved.account, totp } };
}

async function findOrCreateAdmin(
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

interface DemoMember {
  key: string;
  organizationId: string;
  /** The organization's contact account: issuers' challenges, applicants' teams and applications. */
  principal: UserPrincipal;
  account: DemoAccount;
}

interface DemoLeaderAccount {
  key: string;
  principal: UserPrincipal;
  account: DemoAccount;
}

/** The organization (by credit code) and its demo user (by email), created by the admin, verified. */
async function ensureOrganization(
  s: Services,
  admin: UserPrincipal,
  demo: DemoOrganization,
  password: string,
): Promise<DemoMember> {
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
    organizationId: organization.id,
    principal: principalOf(user),
    account: { email: user.email, role: demo.user.role, organization: organization.name, created },
  };
}

/** A team leader (挂帅者): an applicant account of the lead organization, found by email. */
async function ensureLeader(
  s: Services,
  admin: UserPrincipal,
  leader: DemoLeader,
  members: DemoMember[],
  password: string,
): Promise<DemoLeaderAccount> {
  const organization = members.find((m) => m.key === leader.organization);
  if (!organization) throw new Error(`Unknown demo organization ${leader.organization}`);
  const { user, created } = await s.dataSource.transaction(async (em) => {
    const existing = await s.usersRepository.findByEmail(leader.email, em);
    if (existing) return { user: existing, created: false };
    const user = await s.users.createInTransaction(em, admin, {
      organizationId: organization.organizationId,
      email: leader.email,
      displayName: leader.displayName,
      password,
      roles: ['applicant'],
    });
    return { user, created: true };
  });
  return {
    key: leader.key,
    principal: principalOf(user),
    account: {
      email: user.email,
      role: 'applicant',
      organization: organization.account.organization,
      created,
      note: `挂帅者 ${leader.displayName}`,
    },
  };
}

/** Opens at 09:00 and closes at 17:00 Beijing time: two days ago or in a week, for windowDays days. */
function windowOf(demo: DemoChallenge, now: Date): { opensAt: string; closesAt: string } {
  const opensInDays = demo.window === 'open' ? -2 : 7;
  return {
    opensAt: `${shanghaiDate(now, opensInDays)}T09:00:00+08:00`,
    closesAt: `${shanghaiDate(now, opensInDays + demo.windowDays)}T17:00:00+08:00`,
  };
}

interface ChallengeState {
  id: string;
  status: string;
  version: number;
  closesAt: Date;
}

function stateOf(challenge: {
  id: string;
  status: string;
  version: number;
  closesAt: Date | string;
}): ChallengeState {
  return {
    id: challenge.id,
    status: challenge.status,
    version: challenge.version,
    closesAt: new Date(challenge.closesAt),
  };
}

/** Creates the challenge if missing (as its issuer) and submits it unless it is to stay a draft. */
async function draftAndSubmit(
  s: Services,
  input: {
    issuer: UserPrincipal;
    programId: string;
    demo: DemoChallenge;
    now: Date;
    had: ChallengeEntity | undefined;
  },
): Promise<ChallengeState> {
  const { issuer, demo } = input;
  let state: ChallengeState;
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

/** The admin approves (publishes) a submitted challenge; the issuer then amends it if the demo says so. */
async function approveAndAmend(
  s: Services,
  admin: UserPrincipal,
  challenge: { demo: DemoChallenge; issuer: UserPrincipal; state: ChallengeState },
): Promise<void> {
  const { demo, issuer } = challenge;
  let state = challenge.state;
  if (demo.stage !== 'published') return;
  if (state.status === 'pending_review') {
    state = stateOf(await s.challengeVetting.approve(admin, state.id, state.version));
  }
  if (!demo.amendment || (await s.challengesRepository.amendmentCount(state.id)) > 0) return;
  const amendment = await checked(AmendChallengeDto, {
    reason: demo.amendment.reason,
    changes: {
      closesAt: new Date(state.closesAt.getTime() + demo.amendment.extendDays * DAY_MS).toISOString(),
    },
  });
  await s.challengeAmendments.amend(issuer, state.id, amendment, state.version);
}

// — teams and applications —

/** The demo teams and applications as they stand in the database. */
interface ApplicationState {
  /** The program's demo challenges, by DemoChallenge.key. */
  challenges: Map<string, ChallengeEntity>;
  /** The demo teams found (lead organization and name), by DemoTeam.key. */
  teams: Map<string, TeamEntity>;
  /** The demo applications found (challenge and team), by applicationKey. */
  applications: Map<string, ApplicationEntity>;
}

const applicationKey = (demo: DemoApplication): string => `${demo.team}@${demo.challenge}`;

async function loadApplicationState(dataSource: DataSource, programId: string): Promise<ApplicationState> {
  const byTitle = await existingChallenges(dataSource, programId);
  const challenges = new Map<string, ChallengeEntity>();
  for (const demo of DEMO_CHALLENGES) {
    const row = byTitle.get(demo.body.title);
    if (row) challenges.set(demo.key, row);
  }
  const organizations = await dataSource.getRepository(OrganizationEntity).find({
    where: { creditCode: In(DEMO_ORGANIZATIONS.map((o) => o.creditCode)) },
  });
  const organizationIds = new Map(
    DEMO_ORGANIZATIONS.map((o) => [o.key, organizations.find((r) => r.creditCode === o.creditCode)?.id]),
  );
  const teamRows = await dataSource.getRepository(TeamEntity).find({
    where: { name: In(DEMO_TEAMS.map((t) => t.name)) },
    order: { createdAt: 'ASC' },
  });
  const teams = new Map<string, TeamEntity>();
  for (const demo of DEMO_TEAMS) {
    const leadId = organizationIds.get(demo.organization);
    const row = teamRows.find((r) => r.name === demo.name && r.leadOrganizationId === leadId);
    if (row) teams.set(demo.key, row);
  }
  const rows = teams.size
    ? await dataSource
        .getRepository(ApplicationEntity)
        .find({ where: { teamId: In([...teams.values()].map((t) => t.id)) } })
    : [];
  const applications = new Map<string, ApplicationEntity>();
  for (const demo of DEMO_APPLICATIONS) {
    const team = teams.get(demo.team);
    const challenge = challenges.get(demo.challenge);
    const row = rows.find((a) => a.teamId === team?.id && a.challengeId === challenge?.id);
    if (row) applications.set(applicationKey(demo), row);
  }
  return { challenges, teams, applications };
}

/** Where an application stands, from its row or from a service's answer. */
interface ApplicationProgress {
  id: string;
  version: number;
  status: ApplicationStatus;
  pledgedBy: string | null;
  submitted: boolean;
  checked: boolean;
}

function progressOfRow(row: ApplicationEntity | undefined): ApplicationProgress | null {
  if (!row) return null;
  return {
    id: row.id,
    version: row.version,
    status: row.status,
    pledgedBy: row.pledgeAcceptedAt ? row.pledgeAcceptedBy : null,
    submitted: row.submittedAt !== null,
    checked: row.formalCheckedAt !== null,
  };
}

function progressOf(application: ApplicationResponseDto): ApplicationProgress {
  return {
    id: application.id,
    version: application.version,
    status: application.status,
    pledgedBy: application.pledge?.acceptedBy ?? null,
    submitted: application.submittedAt !== null,
    checked: application.formalCheckedAt !== null,
  };
}

type ApplicationStep = 'create' | 'pledge' | 'submit' | 'check';

/**
 * The next step that takes a demo application towards its stage, or null when it is there (or beyond:
 * whatever happened to it since, e.g. a withdrawal or a resubmission, is left alone). Steps that
 * need the challenge open (all but the `eligible` check) wait while it is not.
 */
function nextApplicationStep(
  demo: DemoApplication,
  current: ApplicationProgress | null,
  leaderUserId: string,
  open: boolean,
): ApplicationStep | null {
  if (!current) return open ? 'create' : null;
  if (demo.stage === 'draft') return null;
  if (current.status === 'draft' && !current.submitted) {
    if (!open) return null;
    return current.pledgedBy === leaderUserId ? 'submit' : 'pledge';
  }
  if ((demo.stage === 'eligible' || demo.stage === 'returned') && current.status === 'submitted') {
    if (current.checked || (demo.stage === 'returned' && !open)) return null;
    return 'check';
  }
  return null;
}

function isOpen(challenge: ChallengeEntity, now: Date): boolean {
  return challenge.publishedAt !== null && effectiveStatus(challenge, now) === 'open';
}

/** Whether a run would add anything: a missing team, or an application with a step to take. */
function pendingApplicationWork(state: ApplicationState, now: Date): boolean {
  if (DEMO_TEAMS.some((t) => !state.teams.has(t.key))) return true;
  return DEMO_APPLICATIONS.some((demo) => {
    const team = state.teams.get(demo.team);
    const challenge = state.challenges.get(demo.challenge);
    if (!team || !challenge) return true;
    const current = progressOfRow(state.applications.get(applicationKey(demo)));
    return nextApplicationStep(demo, current, team.leaderUserId, isOpen(challenge, now)) !== null;
  });
}

interface SeededTeam {
  id: string;
  leaderUserId: string;
  created: boolean;
}

interface ApplicationsOutcome {
  teams: { created: number; total: number };
  applications: { created: number; total: number };
  /** Demo applications by status, as this run leaves them. */
  byStatus: Record<string, number>;
}

/**
 * The applicants' demo teams (created by the organization's contact account) and their applications: the
 * contact drafts and submits, the team's leader takes the pledge, the admin does the formal check.
 * Teams side by side, then applications side by side, each application's steps in order.
 */
async function seedApplications(
  s: Services,
  input: {
    admin: UserPrincipal;
    programId: string;
    members: DemoMember[];
    leaders: DemoLeaderAccount[];
    log: (line: string) => void;
  },
): Promise<ApplicationsOutcome> {
  const state = await loadApplicationState(s.dataSource, input.programId);
  const memberOf = (key: string): DemoMember => {
    const member = input.members.find((m) => m.key === key);
    if (!member) throw new Error(`Unknown demo organization ${key}`);
    return member;
  };
  const leaderOf = (key: string): UserPrincipal => {
    const leader = input.leaders.find((l) => l.key === key);
    if (!leader) throw new Error(`Unknown demo leader ${key}`);
    return leader.principal;
  };
  const teamOf = (key: string): DemoTeam => {
    const team = DEMO_TEAMS.find((t) => t.key === key);
    if (!team) throw new Error(`Unknown demo team ${key}`);
    return team;
  };

  const teams = new Map(
    await settleAll(
      DEMO_TEAMS.map(async (demo): Promise<[string, SeededTeam]> => {
        const had = state.teams.get(demo.key);
        if (had) return [demo.key, { id: had.id, leaderUserId: had.leaderUserId, created: false }];
        const body = teamBody(
          demo,
          (key) => memberOf(key).organizationId,
          (key) => leaderOf(key).userId,
        );
        const team = await s.teams.create(
          memberOf(demo.organization).principal,
          await checked(CreateTeamDto, body),
        );
        return [demo.key, { id: team.id, leaderUserId: team.leader.id, created: true }];
      }),
    ),
  );

  const results = await settleAll(
    DEMO_APPLICATIONS.map(async (demo) => {
      const challenge = state.challenges.get(demo.challenge);
      const team = teams.get(demo.team);
      if (!challenge || !team)
        throw new Error(`Demo application ${applicationKey(demo)}: unknown challenge or team`);
      const demoTeam = teamOf(demo.team);
      const owner = memberOf(demoTeam.organization).principal;
      let current = progressOfRow(state.applications.get(applicationKey(demo)));
      let created = false;
      for (let steps = 0; ; steps++) {
        const step = nextApplicationStep(demo, current, team.leaderUserId, isOpen(challenge, s.clock.now()));
        if (!step) break;
        if (steps >= 4)
          throw new Error(`Demo application ${applicationKey(demo)} does not progress (${current?.status})`);
        if (step === 'create') {
          const dto = await checked(
            CreateApplicationDto,
            await applicationBody(s, demo, challenge.id, team.id),
          );
          current = progressOf(await s.applications.create(owner, challenge.id, dto));
          created = true;
        } else if (!current) {
          throw new Error(`Demo application ${applicationKey(demo)}: ${step} before create`);
        } else if (step === 'pledge') {
          current = progressOf(
            await s.applications.pledge(leaderOf(demoTeam.leader), current.id, current.version),
          );
        } else if (step === 'submit') {
          current = progressOf(await s.applicationSubmission.submit(owner, current.id, current.version));
        } else {
          const dto = await checked(FormalCheckDto, { outcome: demo.stage, reason: demo.checkReason });
          current = progressOf(
            await s.formalChecks.formalCheck(input.admin, current.id, dto, current.version),
          );
        }
      }
      if (nextApplicationStep(demo, current, team.leaderUserId, true)) {
        input.log(
          `Demo application of "${demoTeam.name}" left ${current ? `as ${current.status}` : 'out'}: ` +
            `challenge "${challenge.title}" is not open.`,
        );
      }
      return { created, status: current?.status ?? null };
    }),
  );

  const byStatus: Record<string, number> = {};
  const order = (status: ApplicationStatus | null) => (status ? APPLICATION_STATUSES.indexOf(status) : -1);
  for (const r of [...results].sort((a, b) => order(a.status) - order(b.status))) {
    if (r.status) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  }
  return {
    teams: { created: [...teams.values()].filter((t) => t.created).length, total: teams.size },
    applications: {
      created: results.filter((r) => r.created).length,
      total: results.filter((r) => r.status).length,
    },
    byStatus,
  };
}

/** The body of POST /teams for a demo team. */
function teamBody(
  demo: DemoTeam,
  organizationId: (key: string) => string,
  leaderUserId: (key: string) => string,
): object {
  return {
    name: demo.name,
    leaderUserId: leaderUserId(demo.leader),
    leadSharePercent: demo.leadSharePercent,
    consortium: (demo.consortium ?? []).map((c) => ({
      organizationId: organizationId(c.organization),
      role: c.role,
      sharePercent: c.sharePercent,
    })),
    members: demo.members.map((m) => ({
      name: m.name,
      title: m.title,
      role: m.role,
      organizationId: organizationId(m.organization),
      userId: m.leader ? leaderUserId(m.leader) : undefined,
    })),
  };
}

/** The body of POST /challenges/{id}/applications: a committed value for each of the challenge's indicators. */
async function applicationBody(
  s: Services,
  demo: DemoApplication,
  challengeId: string,
  teamId: string,
): Promise<object> {
  const indicators = await s.challengesRepository.indicators(challengeId);
  const names = new Set(indicators.map((i) => i.name));
  const unknown = Object.keys(demo.commitments).filter((name) => !names.has(name));
  const missing = indicators.filter((i) => !demo.commitments[i.name]).map((i) => i.name);
  if (unknown.length || missing.length) {
    throw new Error(
      `Demo application ${applicationKey(demo)}: commitments must name each indicator of the challenge once ` +
        `(unknown: ${unknown.join(', ') || '-'}; missing: ${missing.join(', ') || '-'})`,
    );
  }
  return {
    teamId,
    technicalPlan: demo.technicalPlan,
    requestedFiscalFen: demo.requestedFiscalFen,
    indicatorCommitments: indicators.map((i) => ({
      indicatorId: i.id,
      committedValue: demo.commitments[i.name],
    })),
    milestones: demo.milestones.map((m) => ({ ...m })),
  };
}

function printSummary(
  log: (line: string) => void,
  input: {
    programName: string;
    created: number;
    applications: ApplicationsOutcome;
    transfer: string;
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
      `${input.created} new challenges (of ${DEMO_CHALLENGES.length}: ${counts.published ?? 0} published, ` +
      `${counts.pending_review ?? 0} pending review, ${counts.draft ?? 0} draft).`,
  );
  const { teams, applications, byStatus } = input.applications;
  const statuses = Object.entries(byStatus)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  log(
    `Teams: ${teams.total} (${teams.created} new); applications to the open challenges: ${applications.total} ` +
      `(${applications.created} new${statuses ? `; ${statuses}` : ''}).`,
  );
  log(input.transfer);
  if (input.options.accountsFile) {
    writeDemoAccounts(input.options.accountsFile, input.accounts, input.password, {
      samePasswordBefore: input.options.password !== undefined,
      isDemoAccount: (a) => a.role !== 'admin' || a.email === DEMO_ADMIN_EMAIL,
    });
    for (const a of input.accounts) {
      if (a.totp) recordDemoTotpSecret(input.options.accountsFile, a.email, a.totp.secret);
    }
    log(
      `Demo accounts (${input.accounts.length}), their password and the demo admin's TOTP secret: ` +
        `${input.options.accountsFile} (show them again, with the admin's current code: npm run demo:accounts)`,
    );
    return;
  }
  const newAccounts = input.accounts.filter((a) => a.created);
  log('Demo accounts:');
  for (const a of input.accounts) {
    const note = a.created ? '' : '   (existing account, password unchanged)';
    const who = a.note ? `${a.organization} · ${a.note}` : a.organization;
    log(`  ${a.role.padEnd(9)} ${a.email.padEnd(32)} ${who}${note}`);
  }
  for (const a of input.accounts.filter((account) => account.totp)) {
    log(
      `TOTP secret of ${a.email} (administrators sign in with a code): ${a.totp?.secret}   ` +
        `(shown only this once; add it to an authenticator app: ${a.totp?.otpauthUri})`,
    );
  }
  if (!newAccounts.length) return;
  log(
    input.options.password
      ? 'Password of the new demo accounts: the value of SEED_DEMO_PASSWORD.'
      : `Password of the new demo accounts: ${input.password}   (shown only this once; set SEED_DEMO_PASSWORD to choose it)`,
  );
}

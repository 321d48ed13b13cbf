import { INestApplicationContext, Type } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { UserPrincipal } from '../common/auth/principal';
import { challengeCode, searchTextOf, shanghaiYear } from '../modules/call/challenges/challenge-rules';
import { ChallengesRepository } from '../modules/call/challenges/challenges.repository';
import { ChallengeEntity } from '../modules/call/challenges/entities/challenge.entity';
import { CreateProgramDto } from '../modules/call/programs/dto/program.dto';
import { ProgramEntity } from '../modules/call/programs/entities/program.entity';
import { ProgramsService } from '../modules/call/programs/programs.service';
import { ContractFilingService } from '../modules/transfer/contracts/contract-filing.service';
import { ContractRegistrationService } from '../modules/transfer/contracts/contract-registration.service';
import { CreateContractDto } from '../modules/transfer/contracts/dto/contract-input.dto';
import { TechnologyContractEntity } from '../modules/transfer/contracts/entities/technology-contract.entity';
import { UpdateResultDto } from '../modules/transfer/results/dto/result-input.dto';
import { ResultEntity } from '../modules/transfer/results/entities/result.entity';
import { ResultDraftingService } from '../modules/transfer/results/result-drafting.service';
import { ResultsAuthoringService } from '../modules/transfer/results/results-authoring.service';
import { ResultsVettingService } from '../modules/transfer/results/results-vetting.service';
import { DEMO_PAST_PROJECT as PAST } from './demo-transfer-data';
import { checked, shanghaiDate, TransferInput } from './seed-support';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The earlier year's project that passed its acceptance, so that the results library and the contract
 * register have something to show from the demo's own program line. The lifecycle (publication, bid,
 * review, award, task book, milestones, acceptance panel) is not replayed through the services: they
 * all read the one injected clock, which the seed cannot move back two years, and the bid submission is
 * guarded by the database's own clock besides (`applications_submitted_before_close`, ADR 0021), which
 * refuses any bid to a challenge that closed in the past. Instead one transaction
 * inserts the minimum rows a passed acceptance stands on (the challenge awarded with its code and
 * indicators, the team and its selected application, the accepted project with its task book, the
 * acceptance decided `passed` with the panel's TRL verdict) and, in the same transaction, drafts the
 * result through ResultDraftingService (as the `acceptance.decided` handler does), so the result
 * carries the verified TRL. From there the services run: the holder completes and submits the result,
 * the broker publishes it, the holder files the licence contract and the registrar registers it.
 */
export async function seedPastProject(
  app: INestApplicationContext,
  input: TransferInput & { broker: UserPrincipal; registrar: UserPrincipal },
): Promise<{ resultTitle: string; verifiedTrl: number | null; registrationNumber: string | null }> {
  const get = <T>(type: Type<T>): T => app.get(type, { strict: false });
  const dataSource = get(DataSource);
  const lead = input.members.get(PAST.lead);
  const issuer = input.members.get(PAST.issuer);
  const leader = input.leaders.get(PAST.leader);
  if (!lead || !issuer || !leader) throw new Error('Demo past project: unknown organization or leader');

  let result = await findResult(dataSource);
  if (!result) {
    const year = shanghaiYear(input.clock.now()) - PAST.yearsAgo;
    const programId = await ensureProgram(app, input.admin, year);
    result = await dataSource.transaction(async (em) => {
      const acceptanceId = await insertAcceptedProject(em, app, {
        year,
        programId,
        admin: input.admin.userId,
        issuer: { organizationId: issuer.organizationId, userId: issuer.principal.userId },
        lead: { organizationId: lead.organizationId, userId: lead.principal.userId },
        leaderUserId: leader.userId,
      });
      const drafted = await get(ResultDraftingService).draftFromAcceptance(em, {
        status: 'passed',
        acceptanceId,
      });
      if (!drafted) throw new Error('Demo past project: the passed acceptance drafted no result');
      return drafted;
    });
  }

  let status: string = result.status;
  let version = result.version;
  if (status === 'draft') {
    const dto = await checked(UpdateResultDto, {
      title: PAST.result.title,
      type: PAST.result.type,
      keywords: PAST.result.keywords,
      trlClaimed: PAST.result.trlClaimed,
      transferModes: PAST.result.transferModes,
      priceGuidanceFen: PAST.result.priceGuidanceFen,
      ipRecords: PAST.result.ipRecords.map((ip) => ({ ...ip, holderOrganizationIds: [lead.organizationId] })),
    });
    const authoring = get(ResultsAuthoringService);
    const updated = await authoring.update(lead.principal, result.id, dto, version);
    ({ status, version } = await authoring.submit(lead.principal, result.id, updated.version));
  }
  // The broker vets it; a result someone has returned or withdrawn since is left as it is.
  if (status === 'submitted') await get(ResultsVettingService).publish(input.broker, result.id, version);

  const registrationNumber = await ensureContract(app, input, result, {
    seller: lead,
    buyerOrganizationId: issuer.organizationId,
  });
  return { resultTitle: PAST.result.title, verifiedTrl: result.verifiedTrl, registrationNumber };
}

/** Whether the past project, its published result or its registered contract is missing. */
export async function pastProjectPending(dataSource: DataSource): Promise<boolean> {
  const result = await findResult(dataSource);
  if (!result || result.status !== 'published') return true;
  const contract = await findContract(dataSource, result.id);
  return contract?.status !== 'registered';
}

function findResult(dataSource: DataSource): Promise<ResultEntity | null> {
  return dataSource
    .getRepository(ResultEntity)
    .createQueryBuilder('r')
    .innerJoin(ChallengeEntity, 'c', 'c.id = r.challenge_id')
    .where('c.title = :title AND r.acceptance_id IS NOT NULL', { title: PAST.challenge.title })
    .getOne();
}

function findContract(dataSource: DataSource, resultId: string): Promise<TechnologyContractEntity | null> {
  return dataSource
    .getRepository(TechnologyContractEntity)
    .findOne({ where: { resultId, title: PAST.contract.title } });
}

async function ensureProgram(
  app: INestApplicationContext,
  admin: UserPrincipal,
  year: number,
): Promise<string> {
  const name = PAST.programName(year);
  const found = await app
    .get(DataSource, { strict: false })
    .getRepository(ProgramEntity)
    .findOne({ where: { name } });
  if (found) return found.id;
  const dto = await checked(CreateProgramDto, { name, year, description: PAST.programDescription });
  return (await app.get(ProgramsService, { strict: false }).create(admin, dto)).id;
}

/** Beijing time `hh:00` of a day of `year` (month 1–12; a month past 12 rolls into the next year). */
const at = (year: number, month: number, day: number, hour = 10) =>
  new Date(Date.UTC(year, month - 1, day, hour - 8));

/** The rows of an awarded challenge's accepted project, and its passed acceptance: the acceptance id. */
async function insertAcceptedProject(
  em: EntityManager,
  app: INestApplicationContext,
  p: {
    year: number;
    programId: string;
    admin: string;
    issuer: { organizationId: string; userId: string };
    lead: { organizationId: string; userId: string };
    leaderUserId: string;
  },
): Promise<string> {
  const c = PAST.challenge;
  const { year } = p;
  const published = at(year, 3, 10);
  const [opens, closes, awarded, activated] = [
    at(year, 3, 15),
    at(year, 4, 15, 17),
    at(year, 6, 20),
    at(year, 7, 1),
  ];
  const [requested, decided] = [
    at(year, 7 + c.durationMonths - 1, 5),
    at(year, 7 + c.durationMonths - 1, 20),
  ];
  const code = challengeCode(
    year,
    await app.get(ChallengesRepository, { strict: false }).nextCodeNumber(em, year),
  );
  const indicators = PAST.indicators.map((i) => ({ ...i, verificationMethod: '第三方检测机构检测' }));
  const [challenge] = await em.query<Array<{ id: string }>>(
    `INSERT INTO challenges (program_id, code, title, category_code, industry_chain_code, issuer_organization_id,
       region_code, background, public_summary, expected_outcomes, total_fen, fiscal_fen, cofunding_fen,
       duration_months, opens_at, closes_at, eligibility, selection_mode, team_count, status, search_text,
       submitted_at, published_at, created_by, created_at, updated_at, search_bigrams)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 'single', 1, 'awarded',
       $18, $19, $20, $21, $19, $22, '{}') RETURNING id`,
    [
      p.programId,
      code,
      c.title,
      c.categoryCode,
      c.industryChain,
      p.issuer.organizationId,
      c.regionCode,
      c.background,
      c.publicSummary,
      JSON.stringify(c.expectedOutcomes),
      c.totalFen,
      c.fiscalFen,
      c.totalFen - c.fiscalFen,
      c.durationMonths,
      opens,
      closes,
      JSON.stringify({
        allowedOrganizationTypes: [],
        regionCodes: [],
        consortiumAllowed: true,
        leaderConcurrencyLimit: null,
      }),
      searchTextOf({ title: c.title, publicSummary: c.publicSummary, indicators }),
      new Date(published.getTime() - 3 * DAY_MS),
      published,
      p.issuer.userId,
      awarded,
    ],
  );
  const taskIndicators = [];
  for (const [position, i] of indicators.entries()) {
    const [row] = await em.query<Array<{ id: string }>>(
      `INSERT INTO challenge_indicators (challenge_id, position, name, target_value, unit, verification_method)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [challenge.id, position, i.name, i.targetValue, i.unit, i.verificationMethod],
    );
    taskIndicators.push({ indicatorId: row.id, name: i.name, unit: i.unit, targetValue: i.targetValue });
  }
  const [team] = await em.query<Array<{ id: string }>>(
    `INSERT INTO teams (name, lead_organization_id, leader_user_id, created_by, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`,
    [PAST.teamName, p.lead.organizationId, p.leaderUserId, p.lead.userId, new Date(opens.getTime() + DAY_MS)],
  );
  const submitted = new Date(closes.getTime() - 5 * DAY_MS);
  const [application] = await em.query<Array<{ id: string }>>(
    `INSERT INTO applications (challenge_id, team_id, lead_organization_id, leader_user_id, status, technical_plan,
       requested_fiscal_fen, pledge_accepted_at, pledge_accepted_by, submitted_at, formal_checked_at,
       formal_checked_by, created_by, created_at, updated_at)
     VALUES ($1, $2, $3, $4, 'selected', $5, $6, $7, $4, $7, $8, $9, $10, $7, $11) RETURNING id`,
    [
      challenge.id,
      team.id,
      p.lead.organizationId,
      p.leaderUserId,
      '采用镧铈部分替代与双合金法制备主相，结合晶界扩散降低重稀土用量，与发榜企业联合完成电机装车验证。',
      c.fiscalFen,
      submitted,
      new Date(closes.getTime() + 2 * DAY_MS),
      p.admin,
      p.lead.userId,
      awarded,
    ],
  );
  const taskBook = {
    challengeCode: code,
    title: c.title,
    indicators: taskIndicators.map((i, n) => ({ ...i, committedValue: PAST.indicators[n].targetValue })),
    milestones: [],
  };
  const [project] = await em.query<Array<{ id: string }>>(
    `INSERT INTO projects (challenge_id, application_id, status, task_book, fiscal_fen, issuer_fen, program_id,
       issuer_organization_id, lead_organization_id, activated_at, closed_at, created_at, updated_at)
     VALUES ($1, $2, 'accepted', $3, $4, $5, $6, $7, $8, $9, $10, $11, $10) RETURNING id`,
    [
      challenge.id,
      application.id,
      JSON.stringify(taskBook),
      c.fiscalFen,
      c.totalFen - c.fiscalFen,
      p.programId,
      p.issuer.organizationId,
      p.lead.organizationId,
      activated,
      decided,
      awarded,
    ],
  );
  const measurements = taskBook.indicators.map((i, n) => ({
    ...i,
    measuredValue: PAST.indicators[n].measuredValue,
  }));
  const [acceptance] = await em.query<Array<{ id: string }>>(
    `INSERT INTO acceptances (project_id, status, measurements, evidence_attachment_ids, summary,
       consortium_organization_ids, requested_by, requested_at, seed, drawn_at, outcome, decision_reason,
       issuer_opinion, decided_by, decided_at, trl_verdict, created_at, updated_at)
     VALUES ($1, 'passed', $2, '[]', $3, '[]', $4, $5, 'demo-seed', $5, 'passed', $6, $7, $8, $9, $10, $5, $9)
     RETURNING id`,
    [
      project.id,
      JSON.stringify(measurements),
      '任务书约定的全部考核指标均已完成，申请结题验收。',
      p.leaderUserId,
      requested,
      '验收专家组一致认为项目全面完成任务书指标，技术就绪度达到6级，同意通过验收。',
      '发榜方确认样机装车验证结果，同意通过验收。',
      p.admin,
      decided,
      c.trlVerdict,
    ],
  );
  return acceptance.id;
}

/** The licence of the result to the issuer enterprise: filed and submitted by the holder, registered by the registrar. */
async function ensureContract(
  app: INestApplicationContext,
  input: TransferInput & { broker: UserPrincipal; registrar: UserPrincipal },
  result: ResultEntity,
  parties: { seller: { organizationId: string; principal: UserPrincipal }; buyerOrganizationId: string },
): Promise<string | null> {
  const get = <T>(type: Type<T>): T => app.get(type, { strict: false });
  const found = await findContract(get(DataSource), result.id);
  let contract = found
    ? {
        id: found.id,
        status: found.status as string,
        version: found.version,
        number: found.registrationNumber,
      }
    : null;
  const filing = get(ContractFilingService);
  if (!contract) {
    const dto = await checked(CreateContractDto, {
      title: PAST.contract.title,
      type: PAST.contract.type,
      sellerOrganizationId: parties.seller.organizationId,
      buyerOrganizationId: parties.buyerOrganizationId,
      contractAmountFen: PAST.contract.contractAmountFen,
      technologyTransactionAmountFen: PAST.contract.technologyTransactionAmountFen,
      signedOn: shanghaiDate(input.clock.now(), -PAST.contract.signedDaysAgo),
      regionCode: PAST.challenge.regionCode,
      industryChain: PAST.challenge.industryChain,
      resultId: result.id,
      projectId: result.projectId,
      brokerUserId: input.broker.userId,
    });
    const made = await filing.create(parties.seller.principal, dto);
    contract = { id: made.id, status: made.status, version: made.version, number: null };
  }
  if (contract.status === 'draft') {
    const submitted = await filing.submit(parties.seller.principal, contract.id, contract.version);
    contract = { ...contract, status: submitted.status, version: submitted.version };
  }
  if (contract.status === 'submitted') {
    const registered = await get(ContractRegistrationService).register(
      input.registrar,
      contract.id,
      contract.version,
    );
    contract = { ...contract, status: registered.status, number: registered.registrationNumber };
  }
  return contract.number;
}

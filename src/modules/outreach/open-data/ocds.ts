import type { ChallengeStatus } from '../../call/challenges/challenge-status';
import type { ProjectStatus } from '../../delivery/projects/entities/project.entity';
import type { MilestoneStatus } from '../../delivery/projects/entities/project-parts.entity';
import { milestoneDueAt } from '../../delivery/projects/milestone-due';
import type { Payer } from '../../delivery/payments/entities/payment.entity';
import type { SelectionStatus } from '../../delivery/selection/entities/selection.entity';

/**
 * The OCDS 1.1 mapping of a challenge's public lifecycle (ADR 0032), pure: challenge → tender, applications →
 * bids.statistics (counts only), selection → awards, projects → contracts, milestones and paid
 * tranches → contracts[].implementation. Only what the challenge, its amendments and the publicity
 * notice already show publicly; never an application's content, its team members, experts or contacts.
 */

export const OCDS_VERSION = '1.1';
/** bids.statistics comes from the bid extension. */
export const OCDS_EXTENSIONS = [
  'https://raw.githubusercontent.com/open-contracting/ocds_bid_extension/v1.1.3/extension.json',
];
export const OCDS_CURRENCY = 'CNY';
/** The platform's party id in every release (the other parties are organizations, by their uuid). */
export const PLATFORM_PARTY_ID = 'jiebang-platform';

/** Fen are 1/100 yuan; OCDS amounts are in the currency's unit. */
const FEN_PER_YUAN = 100;
/** Below 10^15 fen every amount has at most 15 significant digits: its yuan double prints exactly. */
const MAX_EXACT_FEN = 1e15;

/**
 * An amount in fen as yuan, exactly: n / 100 is the double nearest the decimal n/100, and JSON
 * prints the shortest decimal that reads back as that double, which for |n| < 10^15 (15
 * significant digits) is the decimal itself — 123456789 fen → 1234567.89, 5 fen → 0.05. No
 * rounding happens; an amount beyond that is refused rather than rounded.
 */
export function fenToYuan(fen: number): number {
  if (!Number.isSafeInteger(fen) || Math.abs(fen) >= MAX_EXACT_FEN) {
    throw new Error(`${fen} fen cannot be converted to yuan exactly`);
  }
  return fen / FEN_PER_YUAN;
}

export interface OcdsValue {
  amount: number;
  currency: string;
}

export interface OcdsOrganizationReference {
  id: string;
  name: string;
}

export interface OcdsParty {
  id: string;
  name: string;
  roles: string[];
  address?: { region: string; countryName: string };
}

export interface OcdsPeriod {
  startDate?: string;
  endDate?: string;
}

export interface OcdsMilestone {
  id: string;
  code: string;
  type: string;
  status: 'scheduled' | 'met' | 'notMet' | 'partiallyMet';
  dueDate?: string;
  dateMet?: string;
  dateModified: string;
}

export interface OcdsTransaction {
  id: string;
  date: string;
  value: OcdsValue;
  payer: OcdsOrganizationReference;
  payee: OcdsOrganizationReference;
}

export interface OcdsAward {
  id: string;
  status: 'pending' | 'active' | 'cancelled' | 'unsuccessful';
  date: string;
  suppliers: OcdsOrganizationReference[];
  value?: OcdsValue;
}

export interface OcdsContract {
  id: string;
  awardID: string;
  status: 'pending' | 'active' | 'cancelled' | 'terminated';
  value: OcdsValue;
  period?: OcdsPeriod;
  dateSigned?: string;
  implementation: { milestones: OcdsMilestone[]; transactions: OcdsTransaction[] };
}

export interface OcdsTender {
  id: string;
  title: string;
  description: string;
  status: 'planning' | 'planned' | 'active' | 'cancelled' | 'unsuccessful' | 'complete' | 'withdrawn';
  procuringEntity: OcdsOrganizationReference;
  items: Array<{
    id: string;
    description: string;
    classification: { scheme: string; id: string; description: string };
    additionalClassifications: Array<{ scheme: string; id: string; description: string }>;
  }>;
  value: OcdsValue;
  procurementMethod: 'open';
  procurementMethodDetails: string;
  mainProcurementCategory: 'services';
  tenderPeriod: OcdsPeriod;
  numberOfTenderers?: number;
  amendments?: Array<{ id: string; date: string; rationale: string }>;
}

export interface OcdsRelease {
  ocid: string;
  id: string;
  date: string;
  tag: string[];
  initiationType: 'tender';
  language: 'zh';
  parties: OcdsParty[];
  buyer: OcdsOrganizationReference;
  tender: OcdsTender;
  bids?: { statistics: Array<{ id: string; measure: string; value: number; date: string }> };
  awards?: OcdsAward[];
  contracts?: OcdsContract[];
}

/** What the repository reads of one published challenge (amounts in fen). */
export interface ChallengeFacts {
  id: string;
  code: string;
  title: string;
  publicSummary: string;
  categoryCode: string;
  categoryName: string;
  industryChainCode: string;
  industryChainName: string;
  regionCode: string;
  issuer: OcdsOrganizationReference;
  totalFen: number;
  opensAt: Date;
  closesAt: Date;
  selectionMode: 'single' | 'horse_race';
  teamCount: number;
  /** The stored status (see ADR 0032: a release changes only with a write, never by the clock alone). */
  status: ChallengeStatus;
  /** When its public part last changed (open_data_changes), and that time exactly, as text. */
  changedAt: Date;
  changedKey: string;
  /** Applications submitted and not withdrawn; shown only once the challenge is closed. */
  applicationCount: number;
  amendments: Array<{ id: string; number: number; reason: string; createdAt: Date }>;
  selections: Array<{
    id: string;
    status: SelectionStatus;
    selectedAt: Date;
    closedAt: Date | null;
    winners: Array<{ applicationId: string; organization: OcdsOrganizationReference }>;
  }>;
  projects: Array<{
    id: string;
    applicationId: string;
    supplier: OcdsOrganizationReference;
    status: ProjectStatus;
    fiscalFen: number;
    issuerFen: number;
    activatedAt: Date | null;
    durationMonths: number;
    milestones: Array<{
      id: string;
      position: number;
      dueAt: Date | null;
      status: MilestoneStatus;
      metAt: Date | null;
      updatedAt: Date;
    }>;
    paid: Array<{ id: string; payer: Payer; amountFen: number; paidAt: Date }>;
  }>;
}

export interface ReleaseOptions {
  prefix: string;
  publisherName: string;
}

const TENDER_STATUS: Record<ChallengeStatus, OcdsTender['status'] | null> = {
  draft: null,
  pending_review: null,
  published: 'planned',
  open: 'active',
  closed: 'active',
  under_review: 'active',
  publicity: 'active',
  awarded: 'complete',
  unsuccessful: 'unsuccessful',
  withdrawn: 'withdrawn',
  cancelled: 'cancelled',
};

/** Stored statuses after the application window closed: the application count is public from then on. */
const CLOSED: readonly ChallengeStatus[] = ['closed', 'under_review', 'publicity', 'awarded', 'unsuccessful'];

const CONTRACT_STATUS: Record<ProjectStatus, OcdsContract['status']> = {
  pending_signature: 'pending',
  active: 'active',
  acceptance_requested: 'active',
  suspended: 'active',
  accepted: 'terminated',
  failed: 'terminated',
  terminated: 'terminated',
};

const MILESTONE_STATUS: Record<MilestoneStatus, OcdsMilestone['status']> = {
  pending: 'scheduled',
  submitted: 'scheduled',
  passed: 'met',
  conditionally_passed: 'partiallyMet',
  failed: 'notMet',
};

export function ocidOf(prefix: string, challengeId: string): string {
  return `${prefix}-${challengeId}`;
}

/** `<ocid>-<change time, compact, to the microsecond>`: a new id whenever the public part changed. */
export function releaseIdOf(ocid: string, changedKey: string): string {
  return `${ocid}-${changedKey.replace(/[-:]/g, '')}`;
}

function value(fen: number): OcdsValue {
  return { amount: fenToYuan(fen), currency: OCDS_CURRENCY };
}

/** The release's parties, each once with every role it plays, in the order they were first met. */
class Parties {
  private readonly byId = new Map<string, OcdsParty>();

  add(ref: OcdsOrganizationReference, ...roles: string[]): void {
    const known = this.byId.get(ref.id) ?? { id: ref.id, name: ref.name, roles: [] };
    for (const role of roles) if (!known.roles.includes(role)) known.roles.push(role);
    this.byId.set(ref.id, known);
  }

  /** The address of a party already added. */
  locate(id: string, address: NonNullable<OcdsParty['address']>): void {
    this.byId.get(id)!.address = address;
  }

  all(): OcdsParty[] {
    return [...this.byId.values()];
  }
}

/** The challenge's public lifecycle as of its last change, as one OCDS release. */
export function toRelease(challenge: ChallengeFacts, options: ReleaseOptions): OcdsRelease {
  const tenderStatus = TENDER_STATUS[challenge.status];
  if (!tenderStatus) throw new Error(`Challenge ${challenge.id} is not public (${challenge.status})`);
  const ocid = ocidOf(options.prefix, challenge.id);
  const platform: OcdsOrganizationReference = { id: PLATFORM_PARTY_ID, name: options.publisherName };
  const parties = new Parties();
  parties.add(platform, 'procuringEntity', 'funder');
  parties.add(challenge.issuer, 'buyer');
  parties.locate(challenge.issuer.id, { region: challenge.regionCode, countryName: '中国' });

  const closed = CLOSED.includes(challenge.status);
  const tender = tenderOf(challenge, tenderStatus, platform, closed);
  const awards = awardsOf(challenge, parties);
  const contracts = contractsOf(challenge, platform, parties);
  const release: OcdsRelease = {
    ocid,
    id: releaseIdOf(ocid, challenge.changedKey),
    date: challenge.changedAt.toISOString(),
    tag: tagsOf(challenge, awards, contracts),
    initiationType: 'tender',
    language: 'zh',
    parties: parties.all(),
    buyer: challenge.issuer,
    tender,
  };
  if (closed) {
    release.bids = {
      statistics: [
        {
          id: '1',
          measure: 'bids',
          value: challenge.applicationCount,
          date: challenge.closesAt.toISOString(),
        },
      ],
    };
  }
  if (awards.length) release.awards = awards;
  if (contracts.length) release.contracts = contracts;
  return release;
}

/** The challenge as the tender: the platform procures, the issuer buys; the application count once it closed. */
function tenderOf(
  challenge: ChallengeFacts,
  status: OcdsTender['status'],
  platform: OcdsOrganizationReference,
  closed: boolean,
): OcdsTender {
  const tender: OcdsTender = {
    id: challenge.code,
    title: challenge.title,
    description: challenge.publicSummary,
    status,
    procuringEntity: platform,
    items: [
      {
        id: '1',
        description: challenge.title,
        classification: {
          scheme: 'x_jiebang_industry_chain',
          id: challenge.industryChainCode,
          description: challenge.industryChainName,
        },
        additionalClassifications: [
          { scheme: 'x_jiebang_category', id: challenge.categoryCode, description: challenge.categoryName },
        ],
      },
    ],
    value: value(challenge.totalFen),
    procurementMethod: 'open',
    procurementMethodDetails:
      challenge.selectionMode === 'horse_race'
        ? `揭榜挂帅（赛马制，至多 ${challenge.teamCount} 个团队）`
        : '揭榜挂帅（单一团队）',
    mainProcurementCategory: 'services',
    tenderPeriod: { startDate: challenge.opensAt.toISOString(), endDate: challenge.closesAt.toISOString() },
  };
  if (closed) tender.numberOfTenderers = challenge.applicationCount;
  if (challenge.amendments.length) {
    tender.amendments = challenge.amendments.map((a) => ({
      id: String(a.number),
      date: a.createdAt.toISOString(),
      rationale: a.reason,
    }));
  }
  return tender;
}

type SelectionFacts = ChallengeFacts['selections'][number];
type ProjectFacts = ChallengeFacts['projects'][number];

/**
 * One award per winner of each selection, its supplier a party: active once the selection is
 * finalized (valued at its project's total), cancelled when reopened or the challenge cancelled.
 */
function awardsOf(challenge: ChallengeFacts, parties: Parties): OcdsAward[] {
  const projectByApplication = new Map(challenge.projects.map((p) => [p.applicationId, p]));
  const awards: OcdsAward[] = [];
  for (const selection of challenge.selections) {
    const status = awardStatusOf(selection, challenge);
    const date = status === 'active' ? (selection.closedAt ?? selection.selectedAt) : selection.selectedAt;
    for (const winner of selection.winners) {
      parties.add(winner.organization, 'supplier');
      const project = status === 'active' ? projectByApplication.get(winner.applicationId) : undefined;
      awards.push({
        id: awardIdOf(selection.id, winner.applicationId),
        status,
        date: date.toISOString(),
        suppliers: [winner.organization],
        ...(project ? { value: value(project.fiscalFen + project.issuerFen) } : {}),
      });
    }
  }
  return awards;
}

function awardStatusOf(selection: SelectionFacts, challenge: ChallengeFacts): OcdsAward['status'] {
  if (selection.status === 'finalized') return 'active';
  if (selection.status === 'reopened' || challenge.status === 'cancelled') return 'cancelled';
  return 'pending';
}

/** One contract per project, awarded by the finalized selection. */
function contractsOf(
  challenge: ChallengeFacts,
  platform: OcdsOrganizationReference,
  parties: Parties,
): OcdsContract[] {
  const finalized = challenge.selections.find((s) => s.status === 'finalized');
  return challenge.projects.map((p) => {
    parties.add(p.supplier, 'supplier');
    const transactions = p.paid.map((t) => transactionOf(t, p, challenge.issuer, platform, parties));
    const contract: OcdsContract = {
      id: p.id,
      awardID: awardIdOf(finalized?.id ?? '', p.applicationId),
      status: p.status === 'terminated' && !p.activatedAt ? 'cancelled' : CONTRACT_STATUS[p.status],
      value: value(p.fiscalFen + p.issuerFen),
      implementation: { milestones: p.milestones.map(milestoneOf), transactions },
    };
    if (p.activatedAt) Object.assign(contract, signedTermsOf(p, p.activatedAt));
    return contract;
  });
}

/** A paid tranche: the fiscal share paid by the platform, the issuer's by the issuer, to the supplier. */
function transactionOf(
  t: ProjectFacts['paid'][number],
  p: ProjectFacts,
  issuer: OcdsOrganizationReference,
  platform: OcdsOrganizationReference,
  parties: Parties,
): OcdsTransaction {
  const payer = t.payer === 'fiscal' ? platform : issuer;
  parties.add(payer, 'payer');
  parties.add(p.supplier, 'payee');
  return { id: t.id, date: t.paidAt.toISOString(), value: value(t.amountFen), payer, payee: p.supplier };
}

function milestoneOf(m: ProjectFacts['milestones'][number]): OcdsMilestone {
  const status = MILESTONE_STATUS[m.status];
  return {
    id: m.id,
    code: `M${m.position + 1}`,
    type: 'delivery',
    status,
    ...(m.dueAt ? { dueDate: m.dueAt.toISOString() } : {}),
    ...(m.metAt && (status === 'met' || status === 'partiallyMet') ? { dateMet: m.metAt.toISOString() } : {}),
    dateModified: m.updatedAt.toISOString(),
  };
}

/** A signed contract runs from activation to its last due date (the task book's term or a later milestone). */
function signedTermsOf(
  p: ProjectFacts,
  activatedAt: Date,
): Required<Pick<OcdsContract, 'period' | 'dateSigned'>> {
  const dues = p.milestones.flatMap((m) => (m.dueAt ? [m.dueAt.getTime()] : []));
  const end = Math.max(milestoneDueAt(activatedAt, p.durationMonths).getTime(), ...dues);
  return {
    period: { startDate: activatedAt.toISOString(), endDate: new Date(end).toISOString() },
    dateSigned: activatedAt.toISOString(),
  };
}

/** One award per winning application of a selection: `<selection id>-<application id>` (an application may win again after a reopening). */
export function awardIdOf(selectionId: string, applicationId: string): string {
  return `${selectionId}-${applicationId}`;
}

/** The stages the release carries, in lifecycle order (releaseTag codelist). */
function tagsOf(challenge: ChallengeFacts, awards: OcdsAward[], contracts: OcdsContract[]): string[] {
  const tags: string[] = [];
  tags.push(
    challenge.status === 'cancelled' || challenge.status === 'withdrawn' ? 'tenderCancellation' : 'tender',
  );
  if (challenge.amendments.length) tags.push('tenderAmendment');
  if (awards.length) tags.push(awards.every((a) => a.status === 'cancelled') ? 'awardCancellation' : 'award');
  if (contracts.length) tags.push('contract');
  if (
    contracts.some(
      (c) =>
        c.implementation.transactions.length ||
        c.implementation.milestones.some((m) => m.status !== 'scheduled'),
    )
  ) {
    tags.push('implementation');
  }
  if (contracts.some((c) => c.status === 'terminated' || c.status === 'cancelled'))
    tags.push('contractTermination');
  return tags;
}

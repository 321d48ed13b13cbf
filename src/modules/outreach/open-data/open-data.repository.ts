import { Injectable } from '@nestjs/common';
import { ReadReplicas } from '../../../infra/database/read-replicas';
import { EntityManager } from 'typeorm';
import { SUBMITTED_STATUSES } from '../../call/applications/application-status';
import type { ChallengeStatus } from '../../call/challenges/challenge-status';
import type { Payer } from '../../delivery/payments/entities/payment.entity';
import type { MilestoneStatus } from '../../delivery/projects/entities/project-parts.entity';
import type { ProjectStatus } from '../../delivery/projects/entities/project.entity';
import type { SelectionStatus } from '../../delivery/selection/entities/selection.entity';
import type { ChallengeFacts, OcdsOrganizationReference } from './ocds';

export interface ChangedChallenge {
  id: string;
  changedAt: Date;
  /** changed_at to the microsecond, UTC (`2027-03-01T02:00:00.123456Z`): the cursor and the release id. */
  changedKey: string;
}

/** A bigint column (pg returns text) as a number; amounts in fen stay far below 2^53. */
function int(value: string | number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`bigint ${value} is outside the safe integer range`);
  return n;
}

interface ChallengeRow {
  id: string;
  code: string;
  title: string;
  public_summary: string;
  category_code: string;
  category_name: string | null;
  industry_chain_code: string;
  industry_chain_name: string | null;
  region_code: string;
  issuer_organization_id: string;
  issuer_name: string;
  total_fen: string;
  opens_at: Date;
  closes_at: Date;
  selection_mode: 'single' | 'horse_race';
  team_count: number;
  status: ChallengeStatus;
}

interface AmendmentRow {
  id: string;
  challenge_id: string;
  number: number;
  reason: string;
  created_at: Date;
}

interface SelectionRow {
  id: string;
  challenge_id: string;
  application_ids: string[];
  status: SelectionStatus;
  selected_at: Date;
  closed_at: Date | null;
}

interface WinnerRow {
  id: string;
  organization_id: string;
  organization_name: string;
}

interface ProjectRow {
  id: string;
  challenge_id: string;
  application_id: string;
  lead_organization_id: string;
  lead_name: string;
  status: ProjectStatus;
  fiscal_fen: string;
  issuer_fen: string;
  activated_at: Date | null;
  duration_months: number;
}

interface MilestoneRow {
  id: string;
  project_id: string;
  position: number;
  due_at: Date | null;
  status: MilestoneStatus;
  met_at: Date | null;
  updated_at: Date;
}

interface PaidRow {
  id: string;
  project_id: string;
  payer: Payer;
  amount_fen: string;
  paid_at: Date;
}

/** Everything `facts` reads of a page of challenges, one query per table, before it is assembled. */
interface FactRows {
  challenges: ChallengeRow[];
  applicationCounts: Array<{ challenge_id: string; n: number }>;
  amendments: AmendmentRow[];
  selections: SelectionRow[];
  winners: WinnerRow[];
  projects: ProjectRow[];
  milestones: MilestoneRow[];
  paid: PaidRow[];
}

/**
 * Reads of the open-data export (ADR 0032): the page of changed challenges from open_data_changes
 * (keyset on ix_open_data_changes_changed), then the public facts of those challenges only — never a
 * application's text, a team's members, an expert or a contact.
 */
@Injectable()
export class OpenDataRepository {
  constructor(private readonly replicas: ReadReplicas) {}

  /**
   * Runs `fn` in one read-only REPEATABLE READ transaction: the page and its facts are one snapshot.
   * On a read replica within its staleness bound when there is one (ADR 0065).
   */
  snapshot<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.replicas.snapshot(fn);
  }

  /** Up to `limit` published challenges changed at or after `since`, after the cursor, oldest change first. */
  async changed(
    em: EntityManager,
    options: { since?: Date; after?: { changedKey: string; id: string }; limit: number },
  ): Promise<ChangedChallenge[]> {
    const params: unknown[] = [options.limit];
    const conditions = ['c.published_at IS NOT NULL'];
    if (options.since) {
      params.push(options.since);
      conditions.push(`ch.changed_at >= $${params.length}`);
    }
    if (options.after) {
      params.push(options.after.changedKey, options.after.id);
      conditions.push(
        `(ch.changed_at, ch.challenge_id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`,
      );
    }
    const rows = await em.query<Array<{ id: string; changed_at: Date; changed_key: string }>>(
      `SELECT ch.challenge_id AS id, ch.changed_at,
         to_char(ch.changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS changed_key
       FROM open_data_changes ch
       JOIN challenges c ON c.id = ch.challenge_id
       WHERE ${conditions.join(' AND ')}
       ORDER BY ch.changed_at, ch.challenge_id
       LIMIT $1`,
      params,
    );
    return rows.map((r) => ({ id: r.id, changedAt: r.changed_at, changedKey: r.changed_key }));
  }

  /** The public facts of the challenges, in the order of `changed`. */
  async facts(em: EntityManager, changed: ChangedChallenge[]): Promise<ChallengeFacts[]> {
    if (!changed.length) return [];
    return assembleFacts(
      changed,
      await this.factRows(
        em,
        changed.map((c) => c.id),
      ),
    );
  }

  // — the reads of `facts`, one after another on the snapshot's one connection —

  private async factRows(em: EntityManager, ids: string[]): Promise<FactRows> {
    const challenges = await this.challengeRows(em, ids);
    const applicationCounts = await this.applicationCounts(em, ids);
    const amendments = await this.amendmentRows(em, ids);
    const selections = await this.selectionRows(em, ids);
    const winners = await this.winnerRows(em, [...new Set(selections.flatMap((s) => s.application_ids))]);
    const projects = await this.projectRows(em, ids);
    const projectIds = projects.map((p) => p.id);
    const milestones = await this.milestoneRows(em, projectIds);
    const paid = await this.paidRows(em, projectIds);
    return { challenges, applicationCounts, amendments, selections, winners, projects, milestones, paid };
  }

  /** The published challenges with their issuer's, category's and industry chain's names. */
  private challengeRows(em: EntityManager, ids: string[]): Promise<ChallengeRow[]> {
    return em.query<ChallengeRow[]>(
      `SELECT c.id, c.code, c.title, c.public_summary, c.category_code, cat.name_zh AS category_name,
         c.industry_chain_code, ic.name_zh AS industry_chain_name, c.region_code, c.issuer_organization_id,
         o.name AS issuer_name, c.total_fen, c.opens_at, c.closes_at, c.selection_mode, c.team_count, c.status
       FROM challenges c
       JOIN organizations o ON o.id = c.issuer_organization_id
       LEFT JOIN categories cat ON cat.code = c.category_code
       LEFT JOIN industry_chains ic ON ic.code = c.industry_chain_code
       WHERE c.id = ANY($1::uuid[]) AND c.published_at IS NOT NULL`,
      [ids],
    );
  }

  /** Applications submitted and not withdrawn, per challenge. */
  private applicationCounts(em: EntityManager, ids: string[]): Promise<FactRows['applicationCounts']> {
    return em.query<FactRows['applicationCounts']>(
      `SELECT challenge_id, count(*)::int AS n FROM applications
       WHERE challenge_id = ANY($1::uuid[]) AND status = ANY($2::application_status[])
       GROUP BY challenge_id`,
      [ids, SUBMITTED_STATUSES],
    );
  }

  private amendmentRows(em: EntityManager, ids: string[]): Promise<AmendmentRow[]> {
    return em.query<AmendmentRow[]>(
      `SELECT id, challenge_id, number, reason, created_at FROM challenge_amendments
       WHERE challenge_id = ANY($1::uuid[]) ORDER BY challenge_id, number`,
      [ids],
    );
  }

  private selectionRows(em: EntityManager, ids: string[]): Promise<SelectionRow[]> {
    return em.query<SelectionRow[]>(
      `SELECT id, challenge_id, application_ids::text[] AS application_ids, status, selected_at, closed_at FROM selections
       WHERE challenge_id = ANY($1::uuid[]) ORDER BY selected_at, id`,
      [ids],
    );
  }

  /** The winners as the publicity notice shows them: the application's lead organization (no team, no members). */
  private winnerRows(em: EntityManager, applicationIds: string[]): Promise<WinnerRow[]> {
    return em.query<WinnerRow[]>(
      `SELECT a.id, a.lead_organization_id AS organization_id, o.name AS organization_name
       FROM applications a JOIN organizations o ON o.id = a.lead_organization_id
       WHERE a.id = ANY($1::uuid[])`,
      [applicationIds],
    );
  }

  /** The projects with their supplier's name and term (the task book's, else the challenge's). */
  private projectRows(em: EntityManager, ids: string[]): Promise<ProjectRow[]> {
    return em.query<ProjectRow[]>(
      `SELECT p.id, p.challenge_id, p.application_id, p.lead_organization_id, o.name AS lead_name, p.status,
         p.fiscal_fen, p.issuer_fen, p.activated_at,
         COALESCE((p.task_book->>'durationMonths')::int, c.duration_months) AS duration_months
       FROM projects p JOIN organizations o ON o.id = p.lead_organization_id
       JOIN challenges c ON c.id = p.challenge_id
       WHERE p.challenge_id = ANY($1::uuid[]) ORDER BY p.created_at, p.id`,
      [ids],
    );
  }

  /** The milestones, each with when it was last passed (or conditionally passed), if ever. */
  private milestoneRows(em: EntityManager, projectIds: string[]): Promise<MilestoneRow[]> {
    return em.query<MilestoneRow[]>(
      `SELECT m.id, m.project_id, m.position, m.due_at, m.status, m.updated_at,
         (SELECT max(ma.assessed_at) FROM milestone_assessments ma
          WHERE ma.milestone_id = m.id AND ma.outcome IN ('passed', 'conditionally_passed')) AS met_at
       FROM project_milestones m
       WHERE m.project_id = ANY($1::uuid[]) ORDER BY m.project_id, m.position`,
      [projectIds],
    );
  }

  private paidRows(em: EntityManager, projectIds: string[]): Promise<PaidRow[]> {
    return em.query<PaidRow[]>(
      `SELECT id, project_id, payer, amount_fen, paid_at FROM payments
       WHERE project_id = ANY($1::uuid[]) AND status = 'paid' ORDER BY paid_at, id`,
      [projectIds],
    );
  }
}

/** The facts of each changed challenge still published, in the order of `changed`. */
function assembleFacts(changed: ChangedChallenge[], rows: FactRows): ChallengeFacts[] {
  const winnerById = new Map(
    rows.winners.map((w) => [w.id, { id: w.organization_id, name: w.organization_name }]),
  );
  const byId = new Map(rows.challenges.map((l) => [l.id, l]));
  return changed.flatMap((change): ChallengeFacts[] => {
    const l = byId.get(change.id);
    return l ? [challengeFactsOf(l, change, rows, winnerById)] : [];
  });
}

function challengeFactsOf(
  l: ChallengeRow,
  change: ChangedChallenge,
  rows: FactRows,
  winnerById: Map<string, OcdsOrganizationReference>,
): ChallengeFacts {
  return {
    id: l.id,
    code: l.code,
    title: l.title,
    publicSummary: l.public_summary,
    categoryCode: l.category_code,
    categoryName: l.category_name ?? l.category_code,
    industryChainCode: l.industry_chain_code,
    industryChainName: l.industry_chain_name ?? l.industry_chain_code,
    regionCode: l.region_code,
    issuer: { id: l.issuer_organization_id, name: l.issuer_name },
    totalFen: int(l.total_fen),
    opensAt: l.opens_at,
    closesAt: l.closes_at,
    selectionMode: l.selection_mode,
    teamCount: l.team_count,
    status: l.status,
    changedAt: change.changedAt,
    changedKey: change.changedKey,
    applicationCount: rows.applicationCounts.find((b) => b.challenge_id === l.id)?.n ?? 0,
    amendments: rows.amendments
      .filter((a) => a.challenge_id === l.id)
      .map((a) => ({ id: a.id, number: a.number, reason: a.reason, createdAt: a.created_at })),
    selections: rows.selections
      .filter((s) => s.challenge_id === l.id)
      .map((s) => selectionFactsOf(s, winnerById)),
    projects: rows.projects.filter((p) => p.challenge_id === l.id).map((p) => projectFactsOf(p, rows)),
  };
}

function selectionFactsOf(
  s: SelectionRow,
  winnerById: Map<string, OcdsOrganizationReference>,
): ChallengeFacts['selections'][number] {
  return {
    id: s.id,
    status: s.status,
    selectedAt: s.selected_at,
    closedAt: s.closed_at,
    winners: s.application_ids.flatMap((applicationId) => {
      const organization = winnerById.get(applicationId);
      return organization ? [{ applicationId, organization }] : [];
    }),
  };
}

function projectFactsOf(p: ProjectRow, rows: FactRows): ChallengeFacts['projects'][number] {
  return {
    id: p.id,
    applicationId: p.application_id,
    supplier: { id: p.lead_organization_id, name: p.lead_name },
    status: p.status,
    fiscalFen: int(p.fiscal_fen),
    issuerFen: int(p.issuer_fen),
    activatedAt: p.activated_at,
    durationMonths: p.duration_months,
    milestones: rows.milestones
      .filter((m) => m.project_id === p.id)
      .map((m) => ({
        id: m.id,
        position: m.position,
        dueAt: m.due_at,
        status: m.status,
        metAt: m.met_at,
        updatedAt: m.updated_at,
      })),
    paid: rows.paid
      .filter((t) => t.project_id === p.id)
      .map((t) => ({ id: t.id, payer: t.payer, amountFen: int(t.amount_fen), paidAt: t.paid_at })),
  };
}

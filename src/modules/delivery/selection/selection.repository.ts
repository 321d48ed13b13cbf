import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { ObjectionEntity } from './entities/objection.entity';
import { SelectionEntity } from './entities/selection.entity';
import { PENDING_OBJECTION_STATUSES } from './selection-status';

/** A review result as selection reads it. */
export interface ResultRow {
  application_id: string;
  score: string | null;
  passes: boolean;
  rank: number;
}

/** A selected application on the publicity notice. */
export interface PublicityRow {
  id: string;
  team_name: string;
  org_name: string;
  score: string | null;
  rank: number;
}

/** What an application committed to, as its task book copies it. */
export interface ApplicationPlan {
  commitments: Array<{ indicator_id: string; committed_value: string }>;
  milestones: Array<{
    position: number;
    title: string;
    deliverables: string;
    due_month: number;
    share_percent: number;
  }>;
}

/**
 * Selections and objections, and what selection reads of the review and of the applications
 * (read-only: their statuses change through their owners' rules).
 */
@Injectable()
export class SelectionRepository {
  constructor(private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  activeOfChallenge(em: EntityManager, challengeId: string): Promise<SelectionEntity | null> {
    return em.findOne(SelectionEntity, { where: { challengeId, status: 'active' } });
  }

  latestOfChallenge(em: EntityManager, challengeId: string): Promise<SelectionEntity | null> {
    return em.findOne(SelectionEntity, { where: { challengeId }, order: { selectedAt: 'DESC', id: 'DESC' } });
  }

  findById(em: EntityManager, id: string): Promise<SelectionEntity | null> {
    return em.findOne(SelectionEntity, { where: { id } });
  }

  findObjection(em: EntityManager, id: string): Promise<ObjectionEntity | null> {
    return em.findOne(ObjectionEntity, { where: { id } });
  }

  lockObjection(em: EntityManager, id: string): Promise<ObjectionEntity | null> {
    return em.findOne(ObjectionEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  objectionCount(em: EntityManager, selectionId: string): Promise<number> {
    return em.count(ObjectionEntity, { where: { selectionId } });
  }

  pendingObjectionCount(em: EntityManager, selectionId: string): Promise<number> {
    return em.count(ObjectionEntity, { where: { selectionId, status: In([...PENDING_OBJECTION_STATUSES]) } });
  }

  // — the review and the applications, read —

  /** The status of the challenge's review panel, or null when it has none. */
  async panelStatus(em: EntityManager, challengeId: string): Promise<string | null> {
    const [panel] = await em.query<Array<{ status: string }>>(
      `SELECT status FROM review_panels WHERE challenge_id = $1`,
      [challengeId],
    );
    return panel?.status ?? null;
  }

  results(em: EntityManager, challengeId: string): Promise<ResultRow[]> {
    return em.query(
      `SELECT application_id, score, passes, rank FROM review_results WHERE challenge_id = $1 ORDER BY rank`,
      [challengeId],
    );
  }

  async ranks(em: EntityManager, challengeId: string): Promise<Map<string, number>> {
    const rows = await em.query<Array<{ application_id: string; rank: number }>>(
      `SELECT application_id, rank FROM review_results WHERE challenge_id = $1`,
      [challengeId],
    );
    return new Map(rows.map((r) => [r.application_id, r.rank]));
  }

  /** The selected applications with their team, lead organization and result, by rank. */
  publicityRows(em: EntityManager, applicationIds: string[]): Promise<PublicityRow[]> {
    return em.query(
      `SELECT a.id, t.name AS team_name, o.name AS org_name, r.score, r.rank
       FROM applications a JOIN teams t ON t.id = a.team_id
       JOIN organizations o ON o.id = a.lead_organization_id
       LEFT JOIN review_results r ON r.application_id = a.id AND r.challenge_id = a.challenge_id
       WHERE a.id = ANY($1) ORDER BY r.rank, a.id`,
      [applicationIds],
    );
  }

  /** The ids of the challenge's applications in the given statuses, in id order. */
  async applicationIdsInStatus(
    em: EntityManager,
    challengeId: string,
    statuses: readonly string[],
  ): Promise<string[]> {
    const rows: Array<{ id: string }> = await em.query(
      `SELECT id FROM applications WHERE challenge_id = $1 AND status::text = ANY($2) ORDER BY id`,
      [challengeId, statuses],
    );
    return rows.map((r) => r.id);
  }

  async applicationPlan(em: EntityManager, applicationId: string): Promise<ApplicationPlan> {
    const commitments: ApplicationPlan['commitments'] = await em.query(
      `SELECT indicator_id, committed_value FROM application_commitments WHERE application_id = $1`,
      [applicationId],
    );
    const milestones: ApplicationPlan['milestones'] = await em.query(
      `SELECT position, title, deliverables, due_month, share_percent FROM application_milestones
       WHERE application_id = $1 ORDER BY position`,
      [applicationId],
    );
    return { commitments, milestones };
  }
}

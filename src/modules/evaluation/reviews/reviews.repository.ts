import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { byCreation, Page, PageQueryDto, paginate } from '../../../common/pagination/pagination';
import { ApplicationsRepository } from '../../call/applications/applications.repository';
import type { ApplicationEntity } from '../../call/applications/entities/application.entity';
import { PanelMemberEntity } from './entities/panel-member.entity';
import { ReviewAssignmentEntity } from './entities/review-assignment.entity';
import { ReviewPanelEntity } from './entities/review-panel.entity';
import { ReviewResultEntity } from './entities/review-result.entity';

/** An assignment as the expert's listing shows it, with its challenge. */
export interface AssignmentListRow {
  assignment: ReviewAssignmentEntity;
  challengeId: string;
  challengeCode: string | null;
  challengeTitle: string;
  dueAt: Date;
}

/**
 * The review aggregate: a panel with its members, assignments and results. Locks go panel first,
 * then members and assignments, then applications, in every write path (no deadlock between a submission,
 * a declaration and a close).
 */
@Injectable()
export class ReviewsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly applications: ApplicationsRepository,
  ) {}

  /** The manager outside a transaction (reads). */
  manager(): EntityManager {
    return this.dataSource.manager;
  }

  findPanelOfChallenge(
    challengeId: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<ReviewPanelEntity | null> {
    return em.findOne(ReviewPanelEntity, { where: { challengeId } });
  }

  /** A panel an assignment refers to (the foreign key guarantees it). */
  async requirePanel(id: string, em: EntityManager = this.dataSource.manager): Promise<ReviewPanelEntity> {
    const panel = await em.findOne(ReviewPanelEntity, { where: { id } });
    if (!panel) throw new Error(`review panel ${id} missing`);
    return panel;
  }

  /** The panel locked FOR UPDATE: declarations, submissions and the close serialise on it. */
  findPanelForUpdate(em: EntityManager, id: string): Promise<ReviewPanelEntity | null> {
    return em.findOne(ReviewPanelEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** The panel locked FOR SHARE: a score draft needs it open, and does not block other drafts. */
  findPanelForShare(em: EntityManager, id: string): Promise<ReviewPanelEntity | null> {
    return em.findOne(ReviewPanelEntity, { where: { id }, lock: { mode: 'pessimistic_read' } });
  }

  members(panelId: string, em: EntityManager = this.dataSource.manager): Promise<PanelMemberEntity[]> {
    return em.find(PanelMemberEntity, { where: { panelId }, order: { role: 'ASC', position: 'ASC' } });
  }

  assignmentsOfPanel(
    panelId: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<ReviewAssignmentEntity[]> {
    return em.find(ReviewAssignmentEntity, {
      where: { panelId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  findAssignment(
    id: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<ReviewAssignmentEntity | null> {
    return em.findOne(ReviewAssignmentEntity, { where: { id } });
  }

  findAssignmentForUpdate(em: EntityManager, id: string): Promise<ReviewAssignmentEntity | null> {
    return em.findOne(ReviewAssignmentEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * The panel's applications in review (eligible at the draw), in order of submission: the ids
   * from its assignments, the rows from the applications module.
   */
  async applicationsOfPanel(em: EntityManager, panelId: string): Promise<ApplicationEntity[]> {
    const rows = await em.query<Array<{ application_id: string }>>(
      `SELECT DISTINCT application_id FROM review_assignments WHERE panel_id = $1`,
      [panelId],
    );
    return this.applications.findByIdsInSubmissionOrder(
      rows.map((r) => r.application_id),
      em,
    );
  }

  /** The expert's assignments, newest first (keyset paginated), with their challenges. */
  async listOfExpert(expertId: string, query: PageQueryDto): Promise<Page<AssignmentListRow>> {
    const qb = this.dataSource
      .getRepository(ReviewAssignmentEntity)
      .createQueryBuilder('ra')
      .where('ra.expert_id = :expertId', { expertId });
    const page = await paginate(qb, byCreation('ra'), query);
    if (!page.items.length) return { items: [], nextCursor: page.nextCursor };
    const challenges = await this.dataSource.query<
      Array<{ panel_id: string; challenge_id: string; code: string | null; title: string; due_at: Date }>
    >(
      `SELECT p.id AS panel_id, c.id AS challenge_id, c.code, c.title, p.due_at
       FROM review_panels p JOIN challenges c ON c.id = p.challenge_id WHERE p.id = ANY($1::uuid[])`,
      [[...new Set(page.items.map((a) => a.panelId))]],
    );
    const byPanel = new Map(challenges.map((r) => [r.panel_id, r]));
    return {
      items: page.items.map((assignment) => {
        const challenge = byPanel.get(assignment.panelId);
        if (!challenge) throw new Error(`assignment ${assignment.id}: panel missing`);
        return {
          assignment,
          challengeId: challenge.challenge_id,
          challengeCode: challenge.code,
          challengeTitle: challenge.title,
          dueAt: challenge.due_at,
        };
      }),
      nextCursor: page.nextCursor,
    };
  }

  /** Application id → its team's name (the ranking, when the program lets the issuer see applicants). */
  async teamNames(applicationIds: string[]): Promise<Map<string, string>> {
    if (!applicationIds.length) return new Map();
    const rows = await this.dataSource.query<Array<{ id: string; name: string }>>(
      `SELECT a.id, t.name FROM applications a JOIN teams t ON t.id = a.team_id WHERE a.id = ANY($1::uuid[])`,
      [applicationIds],
    );
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** The panel's members and reserves in draw order, locked FOR UPDATE (a replacement). */
  lockMembers(em: EntityManager, panelId: string): Promise<PanelMemberEntity[]> {
    return em.find(PanelMemberEntity, {
      where: { panelId },
      order: { role: 'ASC', position: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  findMember(em: EntityManager, id: string): Promise<PanelMemberEntity> {
    return em.findOneOrFail(PanelMemberEntity, { where: { id } });
  }

  /** A member's assignments, locked FOR UPDATE (they end when it leaves). */
  lockAssignmentsOfMember(em: EntityManager, panelMemberId: string): Promise<ReviewAssignmentEntity[]> {
    return em.find(ReviewAssignmentEntity, { where: { panelMemberId }, lock: { mode: 'pessimistic_write' } });
  }

  results(challengeId: string, em: EntityManager = this.dataSource.manager): Promise<ReviewResultEntity[]> {
    return em.find(ReviewResultEntity, { where: { challengeId }, order: { rank: 'ASC' } });
  }
}

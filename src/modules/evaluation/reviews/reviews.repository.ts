import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { byCreation, Page, PageQueryDto, paginate } from '../../../common/pagination/pagination';
import type { ApplicationEntity } from '../../call/applications/entities/application.entity';
import { PanelMemberEntity } from './entities/panel-member.entity';
import { ReviewAssignmentEntity } from './entities/review-assignment.entity';
import { ReviewPanelEntity } from './entities/review-panel.entity';
import { ReviewResultEntity } from './entities/review-result.entity';

/** An assignment as the expert's list shows it, with its list. */
export interface AssignmentListRow {
  assignment: ReviewAssignmentEntity;
  challengeId: string;
  challengeCode: string | null;
  challengeTitle: string;
  dueAt: Date;
}

/** The bids' table, reached by name: reviews reads it here only (ADR 0041). */
const APPLICATIONS = 'applications';

/**
 * The review aggregate: a panel with its members, assignments and results. Locks go panel first,
 * then members and assignments, then bids, in every write path (no deadlock between a submission,
 * a declaration and a close).
 */
@Injectable()
export class ReviewsRepository {
  constructor(private readonly dataSource: DataSource) {}

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

  /** The panel's bids in review (eligible at the draw), in order of submission. */
  bidsOfPanel(em: EntityManager, panelId: string): Promise<ApplicationEntity[]> {
    return em
      .getRepository<ApplicationEntity>(APPLICATIONS)
      .createQueryBuilder('a')
      .where(
        `a.id IN (SELECT DISTINCT ra.application_id FROM review_assignments ra WHERE ra.panel_id = :panelId)`,
        {
          panelId,
        },
      )
      .orderBy('a.submitted_at', 'ASC')
      .addOrderBy('a.id', 'ASC')
      .getMany();
  }

  /** Eligible bids of a list, in order of submission, locked FOR UPDATE (they move to review). */
  eligibleBidsForUpdate(em: EntityManager, challengeId: string): Promise<ApplicationEntity[]> {
    return em.getRepository<ApplicationEntity>(APPLICATIONS).find({
      where: { challengeId, status: 'eligible' },
      order: { submittedAt: 'ASC', id: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  lockApplications(em: EntityManager, ids: string[]): Promise<ApplicationEntity[]> {
    if (!ids.length) return Promise.resolve([]);
    return em.getRepository<ApplicationEntity>(APPLICATIONS).find({
      where: { id: In(ids) },
      order: { id: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** The expert's assignments, newest first (keyset paginated), with their lists. */
  async listOfExpert(expertId: string, query: PageQueryDto): Promise<Page<AssignmentListRow>> {
    const qb = this.dataSource
      .getRepository(ReviewAssignmentEntity)
      .createQueryBuilder('ra')
      .where('ra.expert_id = :expertId', { expertId });
    const page = await paginate(qb, byCreation('ra'), query);
    if (!page.items.length) return { items: [], nextCursor: page.nextCursor };
    const lists = await this.dataSource.query<
      Array<{ panel_id: string; challenge_id: string; code: string | null; title: string; due_at: Date }>
    >(
      `SELECT p.id AS panel_id, c.id AS challenge_id, c.code, c.title, p.due_at
       FROM review_panels p JOIN challenges c ON c.id = p.challenge_id WHERE p.id = ANY($1::uuid[])`,
      [[...new Set(page.items.map((a) => a.panelId))]],
    );
    const byPanel = new Map(lists.map((r) => [r.panel_id, r]));
    return {
      items: page.items.map((assignment) => {
        const list = byPanel.get(assignment.panelId);
        if (!list) throw new Error(`assignment ${assignment.id}: panel missing`);
        return {
          assignment,
          challengeId: list.challenge_id,
          challengeCode: list.code,
          challengeTitle: list.title,
          dueAt: list.due_at,
        };
      }),
      nextCursor: page.nextCursor,
    };
  }

  /** Bid id → its team's name (the ranking, when the program lets the issuer see applicants). */
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

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In, SelectQueryBuilder } from 'typeorm';
import { isAdmin, Principal } from '../../../common/auth/principal';
import {
  ProjectMilestoneEntity,
  ProjectSignatureEntity,
  SigningParty,
  TaskBookVersionEntity,
} from './entities/project-parts.entity';
import {
  MilestoneAssessmentEntity,
  MilestoneReportEntity,
  ProjectChangeRequestEntity,
  StageGateEntity,
} from './entities/project-work.entity';
import { ProjectEntity, ProjectStatus } from './entities/project.entity';

/**
 * The one statement of "an organization of the application's team consortium" (SQL, with the
 * application id and the organization as expressions of the caller's query).
 */
function consortiumMember(applicationId: string, organizationId: string): string {
  return `EXISTS (SELECT 1 FROM applications a JOIN team_consortium_members c ON c.team_id = a.team_id
           WHERE a.id = ${applicationId} AND c.organization_id = ${organizationId})`;
}

/** A project's rows: the project, its signatures, milestones, reports, change requests, stage gates. */
@Injectable()
export class ProjectsRepository {
  constructor(private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  findById(em: EntityManager, id: string): Promise<ProjectEntity | null> {
    return em.findOne(ProjectEntity, { where: { id } });
  }

  /** The project row FOR UPDATE (the first lock of every write on a project). */
  lockById(em: EntityManager, id: string): Promise<ProjectEntity | null> {
    return em.findOne(ProjectEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** The project row FOR SHARE (a reminder reads it while nothing may change it). */
  findByIdForShare(em: EntityManager, id: string): Promise<ProjectEntity | null> {
    return em.findOne(ProjectEntity, { where: { id }, lock: { mode: 'pessimistic_read' } });
  }

  /** Every project of a challenge FOR UPDATE, in id order (a stage gate decides them together). */
  lockOfChallenge(em: EntityManager, challengeId: string): Promise<ProjectEntity[]> {
    return em.find(ProjectEntity, {
      where: { challengeId },
      order: { id: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /** Who sees a project: admins, its issuer and lead organizations and its team's consortium. */
  async isVisibleTo(em: EntityManager, actor: Principal, project: ProjectEntity): Promise<boolean> {
    if (isAdmin(actor)) return true;
    if (actor.kind !== 'user') return false;
    if ([project.issuerOrganizationId, project.leadOrganizationId].includes(actor.organizationId))
      return true;
    const rows = await em.query<unknown[]>(`SELECT 1 WHERE ${consortiumMember('$1', '$2')}`, [
      project.applicationId,
      actor.organizationId,
    ]);
    return rows.length > 0;
  }

  /** The listing of the projects an organization sees (every project for `null`: an admin). */
  listQuery(
    organizationId: string | null,
    filter: { status?: ProjectStatus; challengeId?: string },
  ): SelectQueryBuilder<ProjectEntity> {
    const qb = this.manager.createQueryBuilder(ProjectEntity, 'p');
    if (organizationId !== null) {
      qb.where(
        `(p.issuer_organization_id = :org OR p.lead_organization_id = :org OR ${consortiumMember('p.application_id', ':org')})`,
        { org: organizationId },
      );
    }
    if (filter.status) qb.andWhere('p.status = :status', { status: filter.status });
    if (filter.challengeId) qb.andWhere('p.challenge_id = :challengeId', { challengeId: filter.challengeId });
    return qb;
  }

  /** The organizations of the application's team consortium. */
  async consortiumOrganizationIds(em: EntityManager, applicationId: string): Promise<string[]> {
    const rows = await em.query<Array<{ organization_id: string }>>(
      `SELECT c.organization_id FROM applications a JOIN team_consortium_members c ON c.team_id = a.team_id
       WHERE a.id = $1`,
      [applicationId],
    );
    return rows.map((r) => r.organization_id);
  }

  /** Of `ids`, those naming an attachment the organization uploaded (lower-case ids). */
  async attachmentIdsOwnedBy(em: EntityManager, ids: string[], organizationId: string): Promise<Set<string>> {
    const rows = await em.query<Array<{ id: string }>>(
      `SELECT id FROM attachments WHERE id = ANY($1::uuid[]) AND organization_id = $2`,
      [ids, organizationId],
    );
    return new Set(rows.map((r) => r.id));
  }

  // — signatures —

  findSignature(em: EntityManager, projectId: string, party: SigningParty) {
    return em.findOne(ProjectSignatureEntity, { where: { projectId, party } });
  }

  /** Inserts a signature once; false when the party had signed already. */
  async insertSignature(
    em: EntityManager,
    row: Omit<ProjectSignatureEntity, 'project' | 'user' | 'organization'>,
  ): Promise<boolean> {
    const inserted = await em.query<Array<{ party: string }>>(
      `INSERT INTO project_signatures (project_id, party, user_id, organization_id, task_book_version, signed_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING party`,
      [row.projectId, row.party, row.userId, row.organizationId, row.taskBookVersion, row.signedAt],
    );
    return inserted.length > 0;
  }

  signatureCount(em: EntityManager, projectId: string): Promise<number> {
    return em.count(ProjectSignatureEntity, { where: { projectId } });
  }

  signatures(em: EntityManager, projectId: string): Promise<ProjectSignatureEntity[]> {
    return em.find(ProjectSignatureEntity, {
      where: { projectId },
      order: { signedAt: 'ASC', party: 'ASC' },
    });
  }

  // — milestones —

  findMilestone(em: EntityManager, id: string): Promise<ProjectMilestoneEntity | null> {
    return em.findOne(ProjectMilestoneEntity, { where: { id } });
  }

  lockMilestone(em: EntityManager, id: string): Promise<ProjectMilestoneEntity | null> {
    return em.findOne(ProjectMilestoneEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  findMilestoneForShare(em: EntityManager, id: string): Promise<ProjectMilestoneEntity | null> {
    return em.findOne(ProjectMilestoneEntity, { where: { id }, lock: { mode: 'pessimistic_read' } });
  }

  findMilestoneOfProject(em: EntityManager, projectId: string, id: string) {
    return em.findOne(ProjectMilestoneEntity, { where: { id, projectId } });
  }

  /** A project's milestones in position order, optionally FOR UPDATE. */
  milestones(em: EntityManager, projectId: string, lock = false): Promise<ProjectMilestoneEntity[]> {
    return em.find(ProjectMilestoneEntity, {
      where: { projectId },
      order: { position: 'ASC' },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  /** Milestone id → position, for the views of a project's tranches. */
  async milestonePositions(em: EntityManager, projectId: string): Promise<Map<string, number>> {
    const milestones = await em.find(ProjectMilestoneEntity, {
      where: { projectId },
      select: { id: true, position: true },
    });
    return new Map(milestones.map((m) => [m.id, m.position]));
  }

  milestonesAtPosition(em: EntityManager, projectIds: string[], position: number) {
    return em.find(ProjectMilestoneEntity, { where: { projectId: In(projectIds), position } });
  }

  latestReport(em: EntityManager, milestoneId: string): Promise<MilestoneReportEntity | null> {
    return em.findOne(MilestoneReportEntity, { where: { milestoneId }, order: { attempt: 'DESC' } });
  }

  reportsOfProject(em: EntityManager, projectId: string): Promise<MilestoneReportEntity[]> {
    return em.find(MilestoneReportEntity, { where: { projectId }, order: { attempt: 'ASC' } });
  }

  reportsOfMilestone(em: EntityManager, milestoneId: string): Promise<MilestoneReportEntity[]> {
    return em.find(MilestoneReportEntity, { where: { milestoneId }, order: { attempt: 'ASC' } });
  }

  assessmentsOf(em: EntityManager, milestoneIds: string[]): Promise<MilestoneAssessmentEntity[]> {
    if (!milestoneIds.length) return Promise.resolve([]);
    return em.find(MilestoneAssessmentEntity, { where: { milestoneId: In(milestoneIds) } });
  }

  // — task book versions, change requests, stage gates —

  taskBookVersionsQuery(projectId: string): SelectQueryBuilder<TaskBookVersionEntity> {
    return this.manager
      .createQueryBuilder(TaskBookVersionEntity, 'v')
      .where('v.project_id = :id', { id: projectId });
  }

  changeRequestsQuery(projectId: string): SelectQueryBuilder<ProjectChangeRequestEntity> {
    return this.manager
      .createQueryBuilder(ProjectChangeRequestEntity, 'r')
      .where('r.project_id = :id', { id: projectId });
  }

  findChangeRequest(em: EntityManager, id: string): Promise<ProjectChangeRequestEntity | null> {
    return em.findOne(ProjectChangeRequestEntity, { where: { id } });
  }

  lockChangeRequest(em: EntityManager, id: string): Promise<ProjectChangeRequestEntity | null> {
    return em.findOne(ProjectChangeRequestEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  findStageGate(em: EntityManager, challengeId: string, milestonePosition: number) {
    return em.findOne(StageGateEntity, { where: { challengeId, milestonePosition } });
  }
}

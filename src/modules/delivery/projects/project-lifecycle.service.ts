import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../../../common/audit/audit.service';
import type { JsonObject } from '../../../common/json';
import { Clock } from '../../../infra/clock/clock';
import { OutboxService } from '../../../infra/events/outbox.service';
import { ProjectMilestoneEntity, TaskBookVersionEntity } from './entities/project-parts.entity';
import { ProjectEntity } from './entities/project.entity';
import { MILESTONE_MACHINE } from './milestone-status';
import { PROJECT_AUDIT, PROJECT_EVENTS } from './project-events';
import { ProjectAccess } from './project-access.service';
import { ProjectLedger } from './project-ledger';
import { PROJECT_MACHINE } from './project-status';
import { projectData } from './projects.rules';
import { ProjectsRepository } from './projects.repository';

/** A project to create at the award: the line's application, lead organization, amounts and task book. */
export interface AwardedLine {
  challengeId: string;
  programId: string;
  issuerOrganizationId: string;
  applicationId: string;
  leadOrganizationId: string;
  taskBook: JsonObject;
  fiscalFen: number;
  issuerFen: number;
}

interface TaskBookMilestone {
  position: number;
  title: string;
  deliverables: string;
  dueMonth: number;
  sharePercent: number;
}

/**
 * The project's owner methods for the other delivery modules, each in the caller's transaction with
 * the project row held FOR UPDATE by the caller: creation at the award (selection), the moves of
 * acceptance, and termination (admin, stage gates). Statuses come from PROJECT_MACHINE.
 */
@Injectable()
export class ProjectLifecycleService {
  constructor(
    private readonly projects: ProjectsRepository,
    private readonly access: ProjectAccess,
    private readonly ledger: ProjectLedger,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  /**
   * One project per awarded line, pending signature, with task book version 1 and its milestones
   * (pending, due dates set at activation). uq_projects_application is the backstop: a second
   * insert fails and rolls the award back.
   */
  async createFromAward(em: EntityManager, lines: AwardedLine[], now: Date): Promise<ProjectEntity[]> {
    const projects = lines.map((line) =>
      em.create(ProjectEntity, {
        ...line,
        status: PROJECT_MACHINE.initial('award'),
        taskBookVersion: 1,
        version: 1,
        createdAt: now,
        updatedAt: now,
      }),
    );
    await em.save(ProjectEntity, projects);
    await em.save(
      TaskBookVersionEntity,
      projects.map((p) => ({
        projectId: p.id,
        version: 1,
        taskBook: p.taskBook,
        reason: 'award',
        changeRequestId: null,
        createdBy: null,
        createdAt: now,
      })),
    );
    await em.save(
      ProjectMilestoneEntity,
      projects.flatMap((p) =>
        (p.taskBook.milestones as unknown as TaskBookMilestone[]).map((m) => milestoneRow(p, m, now)),
      ),
    );
    return projects;
  }

  /** active → acceptance_requested (acceptance: the applicant asked for it). */
  requestAcceptance(em: EntityManager, project: ProjectEntity, now: Date): Promise<void> {
    return this.move(em, project, PROJECT_MACHINE.target(project.status, 'request_acceptance'), now);
  }

  /** acceptance_requested → accepted | failed, closed now with the reason. */
  closeByAcceptance(
    em: EntityManager,
    project: ProjectEntity,
    outcome: 'passed' | 'failed',
    now: Date,
    reason: string | null,
  ): Promise<void> {
    const to = PROJECT_MACHINE.target(project.status, outcome === 'passed' ? 'accept' : 'fail');
    project.closedAt = now;
    project.statusReason = reason;
    return this.move(em, project, to, now);
  }

  /** acceptance_requested → active (the request was withdrawn or sent back). */
  returnToActive(em: EntityManager, project: ProjectEntity, now: Date): Promise<void> {
    return this.move(em, project, PROJECT_MACHINE.target(project.status, 'return_to_active'), now);
  }

  /** Terminates a locked project: cancels its milestone deadlines and the ledger's unpaid tranches. */
  async terminateLocked(
    em: EntityManager,
    actor: AuditActor,
    project: ProjectEntity,
    reason: string,
    stageGate: { challengeId: string; milestonePosition: number } | null,
  ): Promise<{ fiscalFen: number; issuerFen: number }> {
    const before = project.status;
    const now = this.clock.now();
    project.status = PROJECT_MACHINE.target(project.status, 'terminate');
    project.statusReason = reason;
    project.suspendedFrom = null;
    project.closedAt = now;
    project.version += 1;
    project.updatedAt = now;
    await em.save(project);
    for (const m of await this.projects.milestones(em, project.id))
      await this.access.cancelDeadlines(em, m.id);
    const released = await this.ledger.cancelUnpaid(em, actor, project, reason);
    const amounts = { releasedFiscalFen: released.fiscalFen, releasedIssuerFen: released.issuerFen };
    await this.audit.record(em, {
      actor,
      action: PROJECT_AUDIT.terminated,
      objectType: 'project',
      objectId: project.id,
      before: { status: before },
      after: { status: project.status, reason, ...amounts, ...(stageGate ? { stageGate } : {}) },
    });
    await this.outbox.publish(em, {
      type: PROJECT_EVENTS.terminated,
      aggregateType: 'project',
      aggregateId: project.id,
      data: { ...projectData(project), reason, ...amounts, byStageGate: stageGate !== null },
    });
    return released;
  }

  /** Writes the project's new status (its row held FOR UPDATE by the caller): version, updatedAt. */
  private async move(em: EntityManager, project: ProjectEntity, to: ProjectEntity['status'], now: Date) {
    project.status = to;
    project.version += 1;
    project.updatedAt = now;
    await em.update(
      ProjectEntity,
      { id: project.id },
      {
        status: project.status,
        version: project.version,
        updatedAt: now,
        closedAt: project.closedAt,
        statusReason: project.statusReason,
      },
    );
  }
}

function milestoneRow(
  project: ProjectEntity,
  m: TaskBookMilestone,
  now: Date,
): Partial<ProjectMilestoneEntity> {
  return {
    projectId: project.id,
    position: m.position,
    title: m.title,
    deliverables: m.deliverables,
    dueMonth: m.dueMonth,
    sharePercent: m.sharePercent,
    dueAt: null,
    status: MILESTONE_MACHINE.initial('plan'),
    overdueAt: null,
    reportsSubmitted: 0,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}

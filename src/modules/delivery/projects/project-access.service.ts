import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Principal } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import { DeadlineScheduler } from '../../../infra/scheduler/deadline.scheduler';
import type { ProjectMilestoneEntity } from './entities/project-parts.entity';
import type { ProjectEntity } from './entities/project.entity';
import { MILESTONE_DUE_REMINDER, MILESTONE_ENTITY, MILESTONE_OVERDUE_DEADLINE } from './project-events';
import { ProjectsRepository } from './projects.repository';
import { MilestoneView, milestoneView, projectSummary, ProjectView } from './projects.views';

/**
 * What the project services share: the visibility rule (404 for whoever may not see a project),
 * the locked reads every write starts with, the detail views and a milestone's deadlines.
 */
@Injectable()
export class ProjectAccess {
  constructor(
    private readonly projects: ProjectsRepository,
    private readonly scheduler: DeadlineScheduler,
  ) {}

  /** The project if the caller may see it (404 otherwise), optionally locked FOR UPDATE. */
  async requireVisible(
    em: EntityManager,
    actor: Principal,
    id: string,
    lock = false,
  ): Promise<ProjectEntity> {
    const project = lock ? await this.projects.lockById(em, id) : await this.projects.findById(em, id);
    if (!project || !(await this.projects.isVisibleTo(em, actor, project)))
      throw DomainError.notFound('Project');
    return project;
  }

  /** The milestone's project (locked, visible) and the milestone (locked); 404 for non-parties. */
  async lockMilestone(
    em: EntityManager,
    actor: Principal,
    milestoneId: string,
  ): Promise<{ project: ProjectEntity; milestone: ProjectMilestoneEntity }> {
    const found = await this.projects.findMilestone(em, milestoneId);
    if (!found) throw DomainError.notFound('Milestone');
    const project = await this.projects.lockById(em, found.projectId);
    if (!project || !(await this.projects.isVisibleTo(em, actor, project)))
      throw DomainError.notFound('Milestone');
    const milestone = (await this.projects.lockMilestone(em, milestoneId)) as ProjectMilestoneEntity;
    return { project, milestone };
  }

  async detail(em: EntityManager, project: ProjectEntity): Promise<ProjectView> {
    const signatures = await this.projects.signatures(em, project.id);
    return {
      ...projectSummary(project),
      suspendedFrom: project.suspendedFrom,
      taskBook: project.taskBook,
      signatures: signatures.map((s) => ({
        party: s.party,
        userId: s.userId,
        organizationId: s.organizationId,
        taskBookVersion: s.taskBookVersion,
        signedAt: s.signedAt.toISOString(),
      })),
      milestones: await this.milestoneViews(em, project.id),
    };
  }

  async milestoneViews(em: EntityManager, projectId: string): Promise<MilestoneView[]> {
    const milestones = await this.projects.milestones(em, projectId);
    const reports = await this.projects.reportsOfProject(em, projectId);
    const assessments = await this.projects.assessmentsOf(
      em,
      milestones.map((m) => m.id),
    );
    return milestones.map((m) =>
      milestoneView(
        m,
        reports.filter((r) => r.milestoneId === m.id),
        assessments.filter((a) => a.milestoneId === m.id),
      ),
    );
  }

  async milestoneView(em: EntityManager, milestone: ProjectMilestoneEntity): Promise<MilestoneView> {
    const reports = await this.projects.reportsOfMilestone(em, milestone.id);
    const assessments = await this.projects.assessmentsOf(em, [milestone.id]);
    return milestoneView(milestone, reports, assessments);
  }

  /** The overdue deadline of a milestone at its due time, and its reminders before it. */
  async scheduleDue(
    em: EntityManager,
    milestone: ProjectMilestoneEntity,
    reminderOffsetsHours: readonly number[],
  ): Promise<void> {
    const dueAt = milestone.dueAt as Date;
    await this.scheduler.schedule(em, {
      entityType: MILESTONE_ENTITY,
      entityId: milestone.id,
      kind: MILESTONE_OVERDUE_DEADLINE,
      dueAt,
    });
    await this.scheduler.scheduleReminders(
      em,
      { entityType: MILESTONE_ENTITY, entityId: milestone.id, kind: MILESTONE_DUE_REMINDER, dueAt },
      reminderOffsetsHours,
    );
  }

  /** No reminder any more (a report came in). */
  cancelReminders(em: EntityManager, milestoneId: string): Promise<void> {
    return this.scheduler.cancelReminders(em, MILESTONE_ENTITY, milestoneId, MILESTONE_DUE_REMINDER);
  }

  /** Neither the overdue deadline nor the reminders (the project ended). */
  async cancelDeadlines(em: EntityManager, milestoneId: string): Promise<void> {
    await this.scheduler.cancel(em, MILESTONE_ENTITY, milestoneId, MILESTONE_OVERDUE_DEADLINE);
    await this.cancelReminders(em, milestoneId);
  }
}

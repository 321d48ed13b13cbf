import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../../../common/audit/audit.service';
import { Principal, requireUser } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { OutboxService } from '../../../infra/events/outbox.service';
import { ProgramsService } from '../../call/programs/programs.service';
import { MilestoneAssessmentDto, MilestoneReportDto } from './dto/projects.dto';
import type { ProjectMilestoneEntity } from './entities/project-parts.entity';
import { MilestoneAssessmentEntity, MilestoneReportEntity } from './entities/project-work.entity';
import type { ProjectEntity } from './entities/project.entity';
import { assessedStatus, MILESTONE_MACHINE } from './milestone-status';
import { PROJECT_AUDIT, PROJECT_EVENTS } from './project-events';
import { ProjectAccess } from './project-access.service';
import { CLOSED_PROJECT_STATUSES, PROJECT_MACHINE } from './project-status';
import {
  assertDistinctAttachmentIds,
  indicatorsOf,
  projectData,
  requireLeadApplicant,
  UserPrincipal,
} from './projects.rules';
import { ProjectsRepository } from './projects.repository';
import { MilestoneView } from './projects.views';

const SYSTEM: AuditActor = { kind: 'system' };

/**
 * A project's milestones (ADR 0027): the lead applicant's reports, the admin's assessments, the
 * overdue deadline and the reminders before it. Writes lock the project row, then the milestone.
 */
@Injectable()
export class MilestonesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly projects: ProjectsRepository,
    private readonly access: ProjectAccess,
    private readonly programs: ProgramsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  async submitReport(actor: Principal, milestoneId: string, dto: MilestoneReportDto): Promise<MilestoneView> {
    return this.dataSource.transaction(async (em) => {
      const { project, milestone } = await this.access.lockMilestone(em, actor, milestoneId);
      const user = requireLeadApplicant(actor, project);
      PROJECT_MACHINE.assert(project.status, 'submit_milestone_report');
      await this.assertReportable(em, project, milestone);
      assertIndicatorProgress(project, dto);
      await this.assertEvidence(em, dto.evidenceAttachmentIds, project.leadOrganizationId);
      const now = this.clock.now();
      const report = await em.save(reportRow(project, milestone, dto, user, now));
      const before = milestone.status;
      milestone.status = MILESTONE_MACHINE.target(milestone.status, 'submit_report');
      milestone.reportsSubmitted += 1;
      milestone.version += 1;
      milestone.updatedAt = now;
      await em.save(milestone);
      await this.access.cancelReminders(em, milestone.id);
      await this.audit.record(em, {
        actor,
        action: PROJECT_AUDIT.milestoneSubmitted,
        objectType: 'project_milestone',
        objectId: milestone.id,
        before: { status: before },
        after: { status: milestone.status, reportId: report.id, attempt: report.attempt },
      });
      await this.outbox.publish(em, {
        type: PROJECT_EVENTS.milestoneSubmitted,
        aggregateType: 'project',
        aggregateId: project.id,
        data: { ...milestoneData(project, milestone), reportId: report.id, attempt: report.attempt },
      });
      return this.access.milestoneView(em, milestone);
    });
  }

  async assess(actor: Principal, milestoneId: string, dto: MilestoneAssessmentDto): Promise<MilestoneView> {
    return this.dataSource.transaction(async (em) => {
      const { project, milestone } = await this.access.lockMilestone(em, actor, milestoneId);
      const user = requireUser(actor);
      PROJECT_MACHINE.assert(project.status, 'assess_milestone');
      const to = assessedStatus(milestone.status, dto.outcome);
      const report = await this.projects.latestReport(em, milestone.id);
      if (!report) throw DomainError.invalidTransition(milestone.status, 'assess');
      const now = this.clock.now();
      const assessment = await em.save(
        em.create(MilestoneAssessmentEntity, {
          milestoneId: milestone.id,
          reportId: report.id,
          outcome: dto.outcome,
          opinion: dto.opinion.trim(),
          issuerOpinion: dto.issuerOpinion.trim(),
          assessedBy: user.userId,
          assessedAt: now,
        }),
      );
      const before = milestone.status;
      milestone.status = to;
      milestone.version += 1;
      milestone.updatedAt = now;
      await em.save(milestone);
      await this.audit.record(em, {
        actor,
        action: PROJECT_AUDIT.milestoneAssessed,
        objectType: 'project_milestone',
        objectId: milestone.id,
        before: { status: before },
        after: {
          status: dto.outcome,
          assessmentId: assessment.id,
          reportId: report.id,
          opinion: assessment.opinion,
          issuerOpinion: assessment.issuerOpinion,
        },
      });
      await this.outbox.publish(em, {
        type: PROJECT_EVENTS.milestoneAssessed,
        aggregateType: 'project',
        aggregateId: project.id,
        data: { ...milestoneData(project, milestone), outcome: dto.outcome, assessmentId: assessment.id },
      });
      return this.access.milestoneView(em, milestone);
    });
  }

  /**
   * The overdue deadline handler (in the deadline's transaction): marks the milestone overdue when
   * at its due time it is still pending or failed; never twice; nothing for closed projects.
   */
  async markOverdue(em: EntityManager, milestoneId: string): Promise<boolean> {
    const found = await this.projects.findMilestone(em, milestoneId);
    if (!found) return false;
    const project = await this.projects.lockById(em, found.projectId);
    const milestone = await this.projects.lockMilestone(em, milestoneId);
    if (!project || !milestone || CLOSED_PROJECT_STATUSES.includes(project.status)) return false;
    const now = this.clock.now();
    if (milestone.overdueAt || !milestone.dueAt || now < milestone.dueAt) return false;
    if (!MILESTONE_MACHINE.can(milestone.status, 'mark_overdue')) return false;
    milestone.overdueAt = now;
    milestone.version += 1;
    milestone.updatedAt = now;
    await em.save(milestone);
    const dueAt = milestone.dueAt.toISOString();
    await this.audit.record(em, {
      actor: SYSTEM,
      action: PROJECT_AUDIT.milestoneOverdue,
      objectType: 'project_milestone',
      objectId: milestone.id,
      before: { overdueAt: null },
      after: { overdueAt: now.toISOString(), status: milestone.status, dueAt },
    });
    await this.outbox.publish(em, {
      type: PROJECT_EVENTS.milestoneOverdue,
      aggregateType: 'project',
      aggregateId: project.id,
      data: { ...milestoneData(project, milestone), dueAt },
    });
    return true;
  }

  /**
   * A reminder deadline's handler (in the deadline's transaction): tells the lead organization that
   * the milestone is due in `hoursBefore` hours, unless it is moot by now (reported, assessed, or
   * the project not active). A reminder is a deadline, so it runs once per due time.
   */
  async remindDue(em: EntityManager, milestoneId: string, hoursBefore: number): Promise<boolean> {
    const found = await this.projects.findMilestone(em, milestoneId);
    if (!found) return false;
    const project = await this.projects.findByIdForShare(em, found.projectId);
    const milestone = await this.projects.findMilestoneForShare(em, milestoneId);
    if (!project || !milestone?.dueAt || project.status !== 'active') return false;
    if (!MILESTONE_MACHINE.can(milestone.status, 'submit_report')) return false;
    await this.outbox.publish(em, {
      type: PROJECT_EVENTS.milestoneDueSoon,
      aggregateType: 'project',
      aggregateId: project.id,
      data: { ...milestoneData(project, milestone), dueAt: milestone.dueAt.toISOString(), hoursBefore },
    });
    return true;
  }

  /** A pending milestone, or a failed one within the program's resubmissions (422 beyond them). */
  private async assertReportable(
    em: EntityManager,
    project: ProjectEntity,
    milestone: ProjectMilestoneEntity,
  ): Promise<void> {
    MILESTONE_MACHINE.assert(milestone.status, 'submit_report');
    if (milestone.status !== 'failed') return;
    const { settings } = await this.programs.requireById(em, project.programId);
    if (milestone.reportsSubmitted < 1 + settings.milestoneResubmissions) return;
    throw new DomainError(
      'BUSINESS_RULE_VIOLATION',
      `This milestone failed after ${milestone.reportsSubmitted} report(s); the program allows ` +
        `${settings.milestoneResubmissions} resubmission(s) of a failed milestone`,
      {
        extra: {
          reportsSubmitted: milestone.reportsSubmitted,
          milestoneResubmissions: settings.milestoneResubmissions,
        },
      },
    );
  }

  private async assertEvidence(em: EntityManager, ids: string[], organizationId: string): Promise<void> {
    assertDistinctAttachmentIds(ids);
    if (!ids.length) return;
    const owned = await this.projects.attachmentIdsOwnedBy(em, ids, organizationId);
    const errors = ids
      .map((id, i) => ({ id, i }))
      .filter(({ id }) => !owned.has(id.toLowerCase()))
      .map(({ i }) => ({
        field: `evidenceAttachmentIds[${i}]`,
        message: 'no such attachment uploaded by the lead organization',
      }));
    if (errors.length) throw DomainError.validation(errors);
  }
}

/** 422 for a progress entry naming no indicator of the task book, or one already reported. */
function assertIndicatorProgress(project: ProjectEntity, dto: MilestoneReportDto): void {
  const indicators = indicatorsOf(project.taskBook);
  const seen = new Set<string>();
  dto.indicatorProgress.forEach((p, i) => {
    if (!indicators.some((x) => x.indicatorId === p.indicatorId) || seen.has(p.indicatorId)) {
      throw DomainError.validation([
        {
          field: `indicatorProgress[${i}].indicatorId`,
          message: seen.has(p.indicatorId)
            ? 'an indicator is reported twice'
            : 'not an indicator of the task book',
        },
      ]);
    }
    seen.add(p.indicatorId);
  });
}

function reportRow(
  project: ProjectEntity,
  milestone: ProjectMilestoneEntity,
  dto: MilestoneReportDto,
  user: UserPrincipal,
  now: Date,
): MilestoneReportEntity {
  return Object.assign(new MilestoneReportEntity(), {
    milestoneId: milestone.id,
    projectId: project.id,
    attempt: milestone.reportsSubmitted + 1,
    summary: dto.summary.trim(),
    indicatorProgress: dto.indicatorProgress.map((p) => ({
      indicatorId: p.indicatorId,
      progress: p.progress.trim(),
    })),
    evidenceAttachmentIds: dto.evidenceAttachmentIds,
    submittedBy: user.userId,
    submittedAt: now,
  });
}

function milestoneData(project: ProjectEntity, milestone: ProjectMilestoneEntity) {
  return {
    ...projectData(project),
    milestoneId: milestone.id,
    position: milestone.position,
    title: milestone.title,
  };
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditActor, AuditService } from '../../../common/audit/audit.service';
import { hasRole, isAdmin, Principal, requireUser } from '../../../common/auth/principal';
import { assertVersion } from '../../../common/concurrency/etag';
import { DomainError } from '../../../common/errors/domain-error';
import { JsonObject, JsonValue } from '../../../common/json';
import { byCreation, Page, PageQueryDto, paginate } from '../../../common/pagination/pagination';
import { Clock } from '../../../infra/clock/clock';
import { OutboxService } from '../../../infra/events/outbox.service';
import { DeadlineScheduler } from '../../../infra/scheduler/deadline.scheduler';
import { ChallengeEntity } from '../../call/challenges/entities/challenge.entity';
import { LedgerService } from '../payments/ledger.service';
import { ProgramsService } from '../../call/programs/programs.service';
import {
  CreateChangeRequestDto,
  DecideChangeRequestDto,
  ListProjectsQueryDto,
  MilestoneAssessmentDto,
  MilestoneReportDto,
  StageGateDto,
} from './dto/projects.dto';
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
import { ProjectEntity } from './entities/project.entity';
import { milestoneDueAt } from './milestone-due';
import { assertProjectTransition, CLOSED_PROJECT_STATUSES } from './project-status';
import {
  ChangeRequestView,
  changeRequestView,
  MilestoneView,
  milestoneView,
  ProjectSummaryView,
  projectSummary,
  ProjectView,
  StageGateView,
  stageGateView,
  TaskBookVersionView,
  taskBookVersionView,
} from './projects.views';

export const MILESTONE_OVERDUE_DEADLINE = 'project_milestone.overdue';
/** Reminders before a milestone's due time, at the program's `reminderOffsetsHours` (kind `…@<h>h`). */
export const MILESTONE_DUE_REMINDER = 'project_milestone.due_reminder';
export const MILESTONE_ENTITY = 'project_milestone';

export const PROJECT_EVENTS = {
  activated: 'project.activated',
  suspended: 'project.suspended',
  resumed: 'project.resumed',
  terminated: 'project.terminated',
  milestoneSubmitted: 'milestone.submitted',
  milestoneAssessed: 'milestone.assessed',
  milestoneOverdue: 'milestone.overdue',
  milestoneDueSoon: 'milestone.due_soon',
  changeRequested: 'change_request.lodged',
  changeDecided: 'change_request.decided',
  stageGateDecided: 'stage_gate.decided',
} as const;

const SYSTEM: AuditActor = { kind: 'system' };
const ASSESSED = ['passed', 'conditionally_passed', 'failed'];

interface TaskBookIndicator {
  indicatorId: string;
  committedValue: string;
  [key: string]: JsonValue;
}

/**
 * Projects (立项, ADR 0027): the task book's three signatures and the activation, milestones with
 * reports, assessments and the overdue deadline, change requests with task book versions, admin
 * suspension/termination and horse-race stage gates. Every write locks the project row FOR UPDATE
 * first (then its milestone or change request), so writes on one project are serialized.
 *
 * Visibility: admins, and users of the issuer organization, the lead organization and the team's
 * consortium organizations (read-only); anyone else gets 404 on every project URL.
 */
@Injectable()
export class ProjectsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly programs: ProgramsService,
    private readonly ledger: LedgerService,
    private readonly scheduler: DeadlineScheduler,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  // — reads —

  async list(actor: Principal, query: ListProjectsQueryDto): Promise<Page<ProjectSummaryView>> {
    const qb = this.dataSource.manager.createQueryBuilder(ProjectEntity, 'p');
    if (!isAdmin(actor)) {
      if (actor.kind !== 'user') return { items: [], nextCursor: null };
      qb.where(
        `(p.issuer_organization_id = :org OR p.lead_organization_id = :org OR EXISTS (
           SELECT 1 FROM applications a JOIN team_consortium_members c ON c.team_id = a.team_id
           WHERE a.id = p.application_id AND c.organization_id = :org))`,
        { org: actor.organizationId },
      );
    }
    if (query.status) qb.andWhere('p.status = :status', { status: query.status });
    if (query.challengeId) qb.andWhere('p.challenge_id = :challengeId', { challengeId: query.challengeId });
    const page = await paginate(qb, byCreation('p'), query);
    return { items: page.items.map(projectSummary), nextCursor: page.nextCursor };
  }

  async get(actor: Principal, id: string): Promise<ProjectView> {
    const em = this.dataSource.manager;
    const project = await this.requireVisible(em, actor, id);
    return this.detail(em, project);
  }

  async milestones(actor: Principal, id: string): Promise<Page<MilestoneView>> {
    const em = this.dataSource.manager;
    const project = await this.requireVisible(em, actor, id);
    return { items: await this.milestoneViews(em, project.id), nextCursor: null };
  }

  async taskBookVersions(
    actor: Principal,
    id: string,
    query: PageQueryDto,
  ): Promise<Page<TaskBookVersionView>> {
    const em = this.dataSource.manager;
    const project = await this.requireVisible(em, actor, id);
    const qb = em
      .createQueryBuilder(TaskBookVersionEntity, 'v')
      .where('v.project_id = :id', { id: project.id });
    const page = await paginate(qb, [{ expression: 'v.version', value: (v) => v.version }], query, 'ASC');
    return { items: page.items.map(taskBookVersionView), nextCursor: page.nextCursor };
  }

  async changeRequests(actor: Principal, id: string, query: PageQueryDto): Promise<Page<ChangeRequestView>> {
    const em = this.dataSource.manager;
    const project = await this.requireVisible(em, actor, id);
    const qb = em
      .createQueryBuilder(ProjectChangeRequestEntity, 'r')
      .where('r.project_id = :id', { id: project.id });
    const page = await paginate(qb, byCreation('r'), query);
    return { items: page.items.map(changeRequestView), nextCursor: page.nextCursor };
  }

  async getChangeRequest(actor: Principal, id: string): Promise<ChangeRequestView> {
    const em = this.dataSource.manager;
    const request = await em.findOne(ProjectChangeRequestEntity, { where: { id } });
    const project = request && (await em.findOne(ProjectEntity, { where: { id: request.projectId } }));
    if (!request || !project || !(await this.canSee(em, actor, project))) {
      throw DomainError.notFound('Change request');
    }
    return changeRequestView(request);
  }

  // — signatures and activation —

  async sign(actor: Principal, id: string, expectedVersion?: number): Promise<ProjectView> {
    return this.dataSource.transaction(async (em) => {
      const project = await this.requireVisible(em, actor, id, true);
      const party = signingParty(actor, project);
      const signed = await em.findOne(ProjectSignatureEntity, { where: { projectId: project.id, party } });
      // Signing twice is harmless: the same answer, nothing written, nothing audited.
      if (signed) return this.detail(em, project);
      assertVersion(project.version, expectedVersion);
      if (project.status !== 'pending_signature') throw DomainError.invalidTransition(project.status, 'sign');
      const now = this.clock.now();
      const user = actor as Extract<Principal, { kind: 'user' }>;
      const inserted = await em.query<Array<{ party: string }>>(
        `INSERT INTO project_signatures (project_id, party, user_id, organization_id, task_book_version, signed_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING party`,
        [project.id, party, user.userId, user.organizationId, project.taskBookVersion, now],
      );
      if (!inserted.length) return this.detail(em, project);
      await this.audit.record(em, {
        actor,
        action: 'project.signed',
        objectType: 'project',
        objectId: project.id,
        before: null,
        after: { party, taskBookVersion: project.taskBookVersion },
      });
      const count = await em.count(ProjectSignatureEntity, { where: { projectId: project.id } });
      if (count === 3) await this.activate(em, actor, project, now);
      return this.detail(em, project);
    });
  }

  /** The third signature: active, milestone due dates, their overdue deadlines, the ledger's plan. */
  private async activate(
    em: EntityManager,
    actor: AuditActor,
    project: ProjectEntity,
    now: Date,
  ): Promise<void> {
    assertProjectTransition(project.status, 'activate');
    project.status = 'active';
    project.activatedAt = now;
    project.version += 1;
    project.updatedAt = now;
    await em.save(project);
    const milestones = await em.find(ProjectMilestoneEntity, {
      where: { projectId: project.id },
      order: { position: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
    for (const m of milestones) {
      m.dueAt = milestoneDueAt(now, m.dueMonth);
      m.version += 1;
      m.updatedAt = now;
    }
    await em.save(milestones);
    const { settings } = await this.programs.requireById(em, project.programId);
    for (const m of milestones) {
      await this.scheduleDue(em, m, settings.reminderOffsetsHours);
    }
    await this.ledger.planOnActivation(em, actor, project);
    await this.audit.record(em, {
      actor,
      action: 'project.activated',
      objectType: 'project',
      objectId: project.id,
      before: { status: 'pending_signature' },
      after: {
        status: 'active',
        activatedAt: now.toISOString(),
        milestones: milestones.map((m) => ({ id: m.id, dueAt: (m.dueAt as Date).toISOString() })),
      },
    });
    await this.outbox.publish(em, {
      type: PROJECT_EVENTS.activated,
      aggregateType: 'project',
      aggregateId: project.id,
      data: {
        ...projectData(project),
        activatedAt: now.toISOString(),
        fiscalFen: project.fiscalFen,
        issuerFen: project.issuerFen,
      },
    });
  }

  // — admin state actions —

  async suspend(
    actor: Principal,
    id: string,
    reason: string,
    expectedVersion?: number,
  ): Promise<ProjectView> {
    return this.dataSource.transaction(async (em) => {
      const project = await this.requireVisible(em, actor, id, true);
      assertVersion(project.version, expectedVersion);
      assertProjectTransition(project.status, 'suspend');
      const before = project.status;
      const now = this.clock.now();
      project.suspendedFrom = project.status;
      project.status = 'suspended';
      project.statusReason = reason.trim();
      project.version += 1;
      project.updatedAt = now;
      await em.save(project);
      await this.audit.record(em, {
        actor,
        action: 'project.suspended',
        objectType: 'project',
        objectId: project.id,
        before: { status: before },
        after: { status: 'suspended', reason: project.statusReason },
      });
      await this.outbox.publish(em, {
        type: PROJECT_EVENTS.suspended,
        aggregateType: 'project',
        aggregateId: project.id,
        data: { ...projectData(project), reason: project.statusReason },
      });
      return this.detail(em, project);
    });
  }

  async resume(actor: Principal, id: string, expectedVersion?: number): Promise<ProjectView> {
    return this.dataSource.transaction(async (em) => {
      const project = await this.requireVisible(em, actor, id, true);
      assertVersion(project.version, expectedVersion);
      assertProjectTransition(project.status, 'resume');
      const now = this.clock.now();
      const to = project.suspendedFrom as ProjectEntity['status'];
      project.status = to;
      project.suspendedFrom = null;
      project.statusReason = null;
      project.version += 1;
      project.updatedAt = now;
      await em.save(project);
      await this.audit.record(em, {
        actor,
        action: 'project.resumed',
        objectType: 'project',
        objectId: project.id,
        before: { status: 'suspended' },
        after: { status: to },
      });
      await this.outbox.publish(em, {
        type: PROJECT_EVENTS.resumed,
        aggregateType: 'project',
        aggregateId: project.id,
        data: { ...projectData(project), status: to },
      });
      return this.detail(em, project);
    });
  }

  async terminate(
    actor: Principal,
    id: string,
    reason: string,
    expectedVersion?: number,
  ): Promise<ProjectView> {
    return this.dataSource.transaction(async (em) => {
      const project = await this.requireVisible(em, actor, id, true);
      assertVersion(project.version, expectedVersion);
      await this.terminateLocked(em, actor, project, reason.trim(), null);
      return this.detail(em, project);
    });
  }

  /** Terminates a locked project: cancels its milestone deadlines and the ledger's unpaid tranches. */
  private async terminateLocked(
    em: EntityManager,
    actor: AuditActor,
    project: ProjectEntity,
    reason: string,
    stageGate: { challengeId: string; milestonePosition: number } | null,
  ): Promise<{ fiscalFen: number; issuerFen: number }> {
    assertProjectTransition(project.status, 'terminate');
    const before = project.status;
    const now = this.clock.now();
    project.status = 'terminated';
    project.statusReason = reason;
    project.suspendedFrom = null;
    project.closedAt = now;
    project.version += 1;
    project.updatedAt = now;
    await em.save(project);
    const milestones = await em.find(ProjectMilestoneEntity, { where: { projectId: project.id } });
    for (const m of milestones) {
      await this.scheduler.cancel(em, MILESTONE_ENTITY, m.id, MILESTONE_OVERDUE_DEADLINE);
      await this.scheduler.cancelReminders(em, MILESTONE_ENTITY, m.id, MILESTONE_DUE_REMINDER);
    }
    const released = await this.ledger.cancelUnpaid(em, actor, project, reason);
    await this.audit.record(em, {
      actor,
      action: 'project.terminated',
      objectType: 'project',
      objectId: project.id,
      before: { status: before },
      after: {
        status: 'terminated',
        reason,
        releasedFiscalFen: released.fiscalFen,
        releasedIssuerFen: released.issuerFen,
        ...(stageGate ? { stageGate } : {}),
      },
    });
    await this.outbox.publish(em, {
      type: PROJECT_EVENTS.terminated,
      aggregateType: 'project',
      aggregateId: project.id,
      data: {
        ...projectData(project),
        reason,
        releasedFiscalFen: released.fiscalFen,
        releasedIssuerFen: released.issuerFen,
        byStageGate: stageGate !== null,
      },
    });
    return released;
  }

  // — milestones —

  async submitReport(actor: Principal, milestoneId: string, dto: MilestoneReportDto): Promise<MilestoneView> {
    return this.dataSource.transaction(async (em) => {
      const { project, milestone } = await this.lockMilestone(em, actor, milestoneId);
      const user = requireLeadApplicant(actor, project);
      if (project.status !== 'active') {
        throw DomainError.invalidTransition(project.status, 'submit_milestone_report');
      }
      if (milestone.status === 'failed') {
        const program = await this.programs.requireById(em, project.programId);
        const allowed = 1 + program.settings.milestoneResubmissions;
        if (milestone.reportsSubmitted >= allowed) {
          throw new DomainError(
            'BUSINESS_RULE_VIOLATION',
            `This milestone failed after ${milestone.reportsSubmitted} report(s); the program allows ` +
              `${program.settings.milestoneResubmissions} resubmission(s) of a failed milestone`,
            {
              extra: {
                reportsSubmitted: milestone.reportsSubmitted,
                milestoneResubmissions: program.settings.milestoneResubmissions,
              },
            },
          );
        }
      } else if (milestone.status !== 'pending') {
        throw DomainError.invalidTransition(milestone.status, 'submit_report');
      }
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
      await this.assertEvidence(em, dto.evidenceAttachmentIds, project.leadOrganizationId);
      const now = this.clock.now();
      const report = await em.save(
        em.create(MilestoneReportEntity, {
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
        }),
      );
      const before = milestone.status;
      milestone.status = 'submitted';
      milestone.reportsSubmitted += 1;
      milestone.version += 1;
      milestone.updatedAt = now;
      await em.save(milestone);
      await this.scheduler.cancelReminders(em, MILESTONE_ENTITY, milestone.id, MILESTONE_DUE_REMINDER);
      await this.audit.record(em, {
        actor,
        action: 'milestone.submitted',
        objectType: 'project_milestone',
        objectId: milestone.id,
        before: { status: before },
        after: { status: 'submitted', reportId: report.id, attempt: report.attempt },
      });
      await this.outbox.publish(em, {
        type: PROJECT_EVENTS.milestoneSubmitted,
        aggregateType: 'project',
        aggregateId: project.id,
        data: {
          ...projectData(project),
          milestoneId: milestone.id,
          position: milestone.position,
          title: milestone.title,
          reportId: report.id,
          attempt: report.attempt,
        },
      });
      return this.milestoneView(em, milestone);
    });
  }

  async assess(actor: Principal, milestoneId: string, dto: MilestoneAssessmentDto): Promise<MilestoneView> {
    return this.dataSource.transaction(async (em) => {
      const { project, milestone } = await this.lockMilestone(em, actor, milestoneId);
      const user = userOf(actor);
      if (project.status !== 'active')
        throw DomainError.invalidTransition(project.status, 'assess_milestone');
      if (milestone.status !== 'submitted') throw DomainError.invalidTransition(milestone.status, 'assess');
      const report = await em.findOne(MilestoneReportEntity, {
        where: { milestoneId: milestone.id },
        order: { attempt: 'DESC' },
      });
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
      milestone.status = dto.outcome;
      milestone.version += 1;
      milestone.updatedAt = now;
      await em.save(milestone);
      await this.audit.record(em, {
        actor,
        action: 'milestone.assessed',
        objectType: 'project_milestone',
        objectId: milestone.id,
        before: { status: 'submitted' },
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
        data: {
          ...projectData(project),
          milestoneId: milestone.id,
          position: milestone.position,
          title: milestone.title,
          outcome: dto.outcome,
          assessmentId: assessment.id,
        },
      });
      return this.milestoneView(em, milestone);
    });
  }

  /**
   * The overdue deadline handler (in the deadline's transaction): marks the milestone overdue when
   * at its due time it is still pending or failed; never twice; nothing for closed projects.
   */
  async markOverdue(em: EntityManager, milestoneId: string): Promise<boolean> {
    const found = await em.findOne(ProjectMilestoneEntity, { where: { id: milestoneId } });
    if (!found) return false;
    const project = await em.findOne(ProjectEntity, {
      where: { id: found.projectId },
      lock: { mode: 'pessimistic_write' },
    });
    const milestone = await em.findOne(ProjectMilestoneEntity, {
      where: { id: milestoneId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!project || !milestone || CLOSED_PROJECT_STATUSES.includes(project.status)) return false;
    const now = this.clock.now();
    if (milestone.overdueAt || !milestone.dueAt || now < milestone.dueAt) return false;
    if (milestone.status !== 'pending' && milestone.status !== 'failed') return false;
    milestone.overdueAt = now;
    milestone.version += 1;
    milestone.updatedAt = now;
    await em.save(milestone);
    await this.audit.record(em, {
      actor: SYSTEM,
      action: 'milestone.overdue',
      objectType: 'project_milestone',
      objectId: milestone.id,
      before: { overdueAt: null },
      after: { overdueAt: now.toISOString(), status: milestone.status, dueAt: milestone.dueAt.toISOString() },
    });
    await this.outbox.publish(em, {
      type: PROJECT_EVENTS.milestoneOverdue,
      aggregateType: 'project',
      aggregateId: project.id,
      data: {
        ...projectData(project),
        milestoneId: milestone.id,
        position: milestone.position,
        title: milestone.title,
        dueAt: milestone.dueAt.toISOString(),
      },
    });
    return true;
  }

  /**
   * A reminder deadline's handler (in the deadline's transaction): tells the lead organization that
   * the milestone is due in `hoursBefore` hours, unless it is moot by now (reported, assessed, or
   * the project not active). A reminder is a deadline, so it runs once per due time.
   */
  async remindDue(em: EntityManager, milestoneId: string, hoursBefore: number): Promise<boolean> {
    const found = await em.findOne(ProjectMilestoneEntity, { where: { id: milestoneId } });
    if (!found) return false;
    const project = await em.findOne(ProjectEntity, {
      where: { id: found.projectId },
      lock: { mode: 'pessimistic_read' },
    });
    const milestone = await em.findOne(ProjectMilestoneEntity, {
      where: { id: milestoneId },
      lock: { mode: 'pessimistic_read' },
    });
    if (!project || !milestone?.dueAt || project.status !== 'active') return false;
    if (milestone.status !== 'pending' && milestone.status !== 'failed') return false;
    await this.outbox.publish(em, {
      type: PROJECT_EVENTS.milestoneDueSoon,
      aggregateType: 'project',
      aggregateId: project.id,
      data: {
        ...projectData(project),
        milestoneId: milestone.id,
        position: milestone.position,
        title: milestone.title,
        dueAt: milestone.dueAt.toISOString(),
        hoursBefore,
      },
    });
    return true;
  }

  // — change requests —

  async lodgeChange(
    actor: Principal,
    projectId: string,
    dto: CreateChangeRequestDto,
  ): Promise<ChangeRequestView> {
    return this.dataSource.transaction(async (em) => {
      const project = await this.requireVisible(em, actor, projectId, true);
      const user = requireLeadApplicant(actor, project);
      if (project.status !== 'active') throw DomainError.invalidTransition(project.status, 'request_change');
      const now = this.clock.now();
      let payload: JsonObject;
      let milestoneId: string | null = null;
      if (dto.kind === 'extension') {
        const milestone = await em.findOne(ProjectMilestoneEntity, {
          where: { id: dto.milestoneId, projectId: project.id },
        });
        if (!milestone) {
          throw DomainError.validation([
            { field: 'milestoneId', message: 'not a milestone of this project' },
          ]);
        }
        assertExtensible(milestone, new Date(dto.newDueAt as string), now);
        milestoneId = milestone.id;
        payload = { milestoneId: milestone.id, newDueAt: new Date(dto.newDueAt as string).toISOString() };
      } else if (dto.kind === 'indicator_change') {
        if (!indicatorsOf(project.taskBook).some((i) => i.indicatorId === dto.indicatorId)) {
          throw DomainError.validation([
            { field: 'indicatorId', message: 'not an indicator of the task book' },
          ]);
        }
        payload = {
          indicatorId: dto.indicatorId as string,
          committedValue: (dto.committedValue as string).trim(),
        };
      } else {
        const allowed = await this.partyOrganizations(em, project);
        const members = dto.members ?? [];
        members.forEach((m, i) => {
          if (!allowed.includes(m.organizationId)) {
            throw DomainError.validation([
              {
                field: `members[${i}].organizationId`,
                message: "not the lead organization or one of the team's consortium organizations",
              },
            ]);
          }
        });
        payload = {
          members: members.map((m) => ({
            name: m.name.trim(),
            title: m.title.trim(),
            role: m.role.trim(),
            organizationId: m.organizationId,
          })),
        };
      }
      const request = await em.save(
        em.create(ProjectChangeRequestEntity, {
          projectId: project.id,
          kind: dto.kind,
          milestoneId,
          payload,
          reason: dto.reason.trim(),
          status: 'pending',
          requestedBy: user.userId,
          decisionReason: null,
          issuerOpinion: null,
          decidedBy: null,
          decidedAt: null,
          taskBookVersion: null,
          version: 1,
          createdAt: now,
          updatedAt: now,
        }),
      );
      await this.audit.record(em, {
        actor,
        action: 'change_request.lodged',
        objectType: 'project_change_request',
        objectId: request.id,
        before: null,
        after: { projectId: project.id, kind: request.kind, payload, reason: request.reason },
      });
      await this.outbox.publish(em, {
        type: PROJECT_EVENTS.changeRequested,
        aggregateType: 'project',
        aggregateId: project.id,
        data: { ...projectData(project), changeRequestId: request.id, kind: request.kind },
      });
      return changeRequestView(request);
    });
  }

  async decideChange(
    actor: Principal,
    id: string,
    dto: DecideChangeRequestDto,
    expectedVersion?: number,
  ): Promise<ChangeRequestView> {
    const user = userOf(actor);
    return this.dataSource.transaction(async (em) => {
      const found = await em.findOne(ProjectChangeRequestEntity, { where: { id } });
      if (!found) throw DomainError.notFound('Change request');
      const project = await this.requireVisible(em, actor, found.projectId, true);
      const request = (await em.findOne(ProjectChangeRequestEntity, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      })) as ProjectChangeRequestEntity;
      assertVersion(request.version, expectedVersion);
      if (request.status !== 'pending') throw DomainError.invalidTransition(request.status, dto.decision);
      const now = this.clock.now();
      if (dto.decision === 'approved') {
        if (project.status !== 'active')
          throw DomainError.invalidTransition(project.status, 'approve_change');
        const taskBook = structuredClone(project.taskBook);
        if (request.kind === 'extension') {
          const milestone = await em.findOne(ProjectMilestoneEntity, {
            where: { id: request.milestoneId as string },
            lock: { mode: 'pessimistic_write' },
          });
          const dueAt = new Date(request.payload.newDueAt as string);
          if (!milestone) throw DomainError.notFound('Milestone');
          assertExtensible(milestone, dueAt, now);
          milestone.dueAt = dueAt;
          milestone.overdueAt = null;
          milestone.version += 1;
          milestone.updatedAt = now;
          await em.save(milestone);
          const entry = milestonesOf(taskBook).find((m) => m.position === milestone.position);
          if (entry) entry.dueAt = dueAt.toISOString();
          // A new due time replaces the pending jobs of the old one (DeadlineScheduler.schedule).
          const { settings } = await this.programs.requireById(em, project.programId);
          await this.scheduleDue(em, milestone, settings.reminderOffsetsHours);
        } else if (request.kind === 'indicator_change') {
          const indicator = indicatorsOf(taskBook).find((i) => i.indicatorId === request.payload.indicatorId);
          if (indicator) indicator.committedValue = request.payload.committedValue as string;
        } else {
          taskBook.members = request.payload.members;
        }
        const version = project.taskBookVersion + 1;
        await em.save(
          em.create(TaskBookVersionEntity, {
            projectId: project.id,
            version,
            taskBook,
            reason: `${request.kind}: ${request.reason}`,
            changeRequestId: request.id,
            createdBy: user.userId,
            createdAt: now,
          }),
        );
        project.taskBook = taskBook;
        project.taskBookVersion = version;
        project.version += 1;
        project.updatedAt = now;
        await em.save(project);
        request.taskBookVersion = version;
      }
      request.status = dto.decision;
      request.decisionReason = dto.reason.trim();
      request.issuerOpinion = dto.issuerOpinion.trim();
      request.decidedBy = user.userId;
      request.decidedAt = now;
      request.version += 1;
      request.updatedAt = now;
      await em.save(request);
      await this.audit.record(em, {
        actor,
        action: 'change_request.decided',
        objectType: 'project_change_request',
        objectId: request.id,
        before: { status: 'pending' },
        after: {
          status: request.status,
          reason: request.decisionReason,
          issuerOpinion: request.issuerOpinion,
          taskBookVersion: request.taskBookVersion,
        },
      });
      await this.outbox.publish(em, {
        type: PROJECT_EVENTS.changeDecided,
        aggregateType: 'project',
        aggregateId: project.id,
        data: {
          ...projectData(project),
          changeRequestId: request.id,
          kind: request.kind,
          decision: request.status,
          taskBookVersion: request.taskBookVersion,
        },
      });
      return changeRequestView(request);
    });
  }

  // — horse-race stage gates —

  async stageGate(actor: Principal, challengeId: string, dto: StageGateDto): Promise<StageGateView> {
    const user = userOf(actor);
    return this.dataSource.transaction(async (em) => {
      const challenge = await em.findOne(ChallengeEntity, {
        where: { id: challengeId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!challenge) throw DomainError.notFound('Challenge');
      if (challenge.selectionMode !== 'horse_race') {
        throw new DomainError('BUSINESS_RULE_VIOLATION', 'Stage gates are for horse-race (赛马) lists only');
      }
      const held = await em.findOne(StageGateEntity, {
        where: { challengeId, milestonePosition: dto.milestonePosition },
      });
      if (held) {
        throw new DomainError(
          'INVALID_STATE_TRANSITION',
          `The stage gate after milestone ${dto.milestonePosition} of this list was already held`,
          { extra: { state: 'held', action: 'stage_gate', stageGateId: held.id } },
        );
      }
      const projects = await em.find(ProjectEntity, {
        where: { challengeId },
        order: { id: 'ASC' },
        lock: { mode: 'pessimistic_write' },
      });
      const active = projects.filter((p) => p.status === 'active');
      if (!active.length) {
        throw new DomainError('BUSINESS_RULE_VIOLATION', 'No line of this list is active: nothing to gate');
      }
      const decided = dto.decisions.map((d) => d.projectId);
      const missing = active.filter((p) => !decided.includes(p.id)).map((p) => p.id);
      const foreign = decided.filter((pid) => !active.some((p) => p.id === pid));
      if (missing.length || foreign.length || new Set(decided).size !== decided.length) {
        throw new DomainError(
          'BUSINESS_RULE_VIOLATION',
          'Decide every active line of the list exactly once (continue or terminate), and nothing else',
          { extra: { activeProjectIds: active.map((p) => p.id), missing, notActiveLines: foreign } },
        );
      }
      const milestones = await em.find(ProjectMilestoneEntity, {
        where: { projectId: In(active.map((p) => p.id)), position: dto.milestonePosition },
      });
      const unassessed = active
        .filter((p) => {
          const m = milestones.find((x) => x.projectId === p.id);
          return !m || !ASSESSED.includes(m.status);
        })
        .map((p) => p.id);
      if (unassessed.length) {
        throw new DomainError(
          'BUSINESS_RULE_VIOLATION',
          `Milestone ${dto.milestonePosition} is not assessed yet on every active line: assess it first`,
          { extra: { unassessedProjectIds: unassessed } },
        );
      }
      const decisions: JsonObject[] = [];
      for (const d of dto.decisions) {
        const project = active.find((p) => p.id === d.projectId) as ProjectEntity;
        if (d.outcome === 'terminate') {
          const released = await this.terminateLocked(em, actor, project, d.reason.trim(), {
            challengeId,
            milestonePosition: dto.milestonePosition,
          });
          decisions.push({
            projectId: d.projectId,
            outcome: d.outcome,
            reason: d.reason.trim(),
            releasedFiscalFen: released.fiscalFen,
            releasedIssuerFen: released.issuerFen,
          });
        } else {
          decisions.push({ projectId: d.projectId, outcome: d.outcome, reason: d.reason.trim() });
        }
      }
      const now = this.clock.now();
      const gate = await em.save(
        em.create(StageGateEntity, {
          challengeId,
          milestonePosition: dto.milestonePosition,
          decisions,
          decidedBy: user.userId,
          decidedAt: now,
        }),
      );
      await this.audit.record(em, {
        actor,
        action: 'stage_gate.decided',
        objectType: 'challenge',
        objectId: challengeId,
        before: { activeProjectIds: active.map((p) => p.id) },
        after: { stageGateId: gate.id, milestonePosition: dto.milestonePosition, decisions },
      });
      await this.outbox.publish(em, {
        type: PROJECT_EVENTS.stageGateDecided,
        aggregateType: 'challenge',
        aggregateId: challengeId,
        data: {
          challengeId,
          title: challenge.title,
          issuerOrganizationId: challenge.issuerOrganizationId,
          leadOrganizationIds: active.map((p) => p.leadOrganizationId),
          stageGateId: gate.id,
          milestonePosition: dto.milestonePosition,
          terminatedProjectIds: dto.decisions
            .filter((d) => d.outcome === 'terminate')
            .map((d) => d.projectId),
        },
      });
      return stageGateView(gate);
    });
  }

  // — helpers —

  /** The project if the caller may see it (404 otherwise), optionally locked FOR UPDATE. */
  private async requireVisible(
    em: EntityManager,
    actor: Principal,
    id: string,
    lock = false,
  ): Promise<ProjectEntity> {
    const project = await em.findOne(ProjectEntity, {
      where: { id },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!project || !(await this.canSee(em, actor, project))) throw DomainError.notFound('Project');
    return project;
  }

  private async canSee(em: EntityManager, actor: Principal, project: ProjectEntity): Promise<boolean> {
    if (isAdmin(actor)) return true;
    if (actor.kind !== 'user') return false;
    if ([project.issuerOrganizationId, project.leadOrganizationId].includes(actor.organizationId))
      return true;
    const rows = await em.query<unknown[]>(
      `SELECT 1 FROM applications a JOIN team_consortium_members c ON c.team_id = a.team_id
       WHERE a.id = $1 AND c.organization_id = $2 LIMIT 1`,
      [project.applicationId, actor.organizationId],
    );
    return rows.length > 0;
  }

  /** The lead organization and the team's consortium organizations. */
  private async partyOrganizations(em: EntityManager, project: ProjectEntity): Promise<string[]> {
    const rows = await em.query<Array<{ organization_id: string }>>(
      `SELECT c.organization_id FROM applications a JOIN team_consortium_members c ON c.team_id = a.team_id
       WHERE a.id = $1`,
      [project.applicationId],
    );
    return [project.leadOrganizationId, ...rows.map((r) => r.organization_id)];
  }

  /** The milestone's project (locked, visible) and the milestone (locked); 404 for non-parties. */
  /** The overdue deadline of a milestone at its due time, and its reminders before it. */
  private async scheduleDue(
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

  private async lockMilestone(
    em: EntityManager,
    actor: Principal,
    milestoneId: string,
  ): Promise<{ project: ProjectEntity; milestone: ProjectMilestoneEntity }> {
    const found = await em.findOne(ProjectMilestoneEntity, { where: { id: milestoneId } });
    if (!found) throw DomainError.notFound('Milestone');
    const project = await em.findOne(ProjectEntity, {
      where: { id: found.projectId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!project || !(await this.canSee(em, actor, project))) throw DomainError.notFound('Milestone');
    const milestone = (await em.findOne(ProjectMilestoneEntity, {
      where: { id: milestoneId },
      lock: { mode: 'pessimistic_write' },
    })) as ProjectMilestoneEntity;
    return { project, milestone };
  }

  private async assertEvidence(em: EntityManager, ids: string[], organizationId: string): Promise<void> {
    if (new Set(ids).size !== ids.length) {
      throw DomainError.validation([
        { field: 'evidenceAttachmentIds', message: 'an attachment is listed twice' },
      ]);
    }
    if (!ids.length) return;
    const rows = await em.query<Array<{ id: string }>>(
      `SELECT id FROM attachments WHERE id = ANY($1::uuid[]) AND organization_id = $2`,
      [ids, organizationId],
    );
    const owned = new Set(rows.map((r) => r.id));
    const errors = ids
      .map((id, i) => ({ id, i }))
      .filter(({ id }) => !owned.has(id.toLowerCase()))
      .map(({ i }) => ({
        field: `evidenceAttachmentIds[${i}]`,
        message: 'no such attachment uploaded by the lead organization',
      }));
    if (errors.length) throw DomainError.validation(errors);
  }

  private async detail(em: EntityManager, project: ProjectEntity): Promise<ProjectView> {
    const signatures = await em.find(ProjectSignatureEntity, {
      where: { projectId: project.id },
      order: { signedAt: 'ASC', party: 'ASC' },
    });
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

  private async milestoneViews(em: EntityManager, projectId: string): Promise<MilestoneView[]> {
    const milestones = await em.find(ProjectMilestoneEntity, {
      where: { projectId },
      order: { position: 'ASC' },
    });
    const reports = await em.find(MilestoneReportEntity, { where: { projectId }, order: { attempt: 'ASC' } });
    const assessments = milestones.length
      ? await em.find(MilestoneAssessmentEntity, { where: { milestoneId: In(milestones.map((m) => m.id)) } })
      : [];
    return milestones.map((m) =>
      milestoneView(
        m,
        reports.filter((r) => r.milestoneId === m.id),
        assessments.filter((a) => a.milestoneId === m.id),
      ),
    );
  }

  private async milestoneView(em: EntityManager, milestone: ProjectMilestoneEntity): Promise<MilestoneView> {
    const reports = await em.find(MilestoneReportEntity, {
      where: { milestoneId: milestone.id },
      order: { attempt: 'ASC' },
    });
    const assessments = await em.find(MilestoneAssessmentEntity, { where: { milestoneId: milestone.id } });
    return milestoneView(milestone, reports, assessments);
  }
}

const userOf = (actor: Principal) => requireUser(actor, 'Only a user may do this');

/** Which party the caller signs for; 403 for a party user who signs for none (e.g. a consortium member). */
function signingParty(actor: Principal, project: ProjectEntity): SigningParty {
  const user = userOf(actor);
  if (isAdmin(user)) return 'admin';
  if (user.organizationId === project.issuerOrganizationId && hasRole(user, 'issuer')) return 'issuer';
  if (user.organizationId === project.leadOrganizationId && hasRole(user, 'applicant')) return 'applicant';
  throw new DomainError(
    'FORBIDDEN',
    "Only the issuer organization's issuers, the lead organization's applicants and admins sign the task book",
  );
}

/** An applicant of the lead organization (403 for the other parties). */
function requireLeadApplicant(
  actor: Principal,
  project: ProjectEntity,
): Extract<Principal, { kind: 'user' }> {
  const user = userOf(actor);
  if (user.organizationId !== project.leadOrganizationId || !hasRole(user, 'applicant')) {
    throw new DomainError('FORBIDDEN', "Only an applicant of the project's lead organization may do this");
  }
  return user;
}

function assertExtensible(milestone: ProjectMilestoneEntity, newDueAt: Date, now: Date): void {
  if (milestone.status === 'passed' || milestone.status === 'conditionally_passed') {
    throw DomainError.invalidTransition(milestone.status, 'extend');
  }
  if (newDueAt <= now || (milestone.dueAt && newDueAt <= milestone.dueAt)) {
    throw new DomainError(
      'BUSINESS_RULE_VIOLATION',
      'An extension moves the due time later: after the current due time and in the future',
      { extra: { currentDueAt: milestone.dueAt?.toISOString() ?? null, newDueAt: newDueAt.toISOString() } },
    );
  }
}

function indicatorsOf(taskBook: JsonObject): TaskBookIndicator[] {
  return (Array.isArray(taskBook.indicators) ? taskBook.indicators : []) as unknown as TaskBookIndicator[];
}

function milestonesOf(taskBook: JsonObject): Array<{ position: number; [key: string]: JsonValue }> {
  return (Array.isArray(taskBook.milestones) ? taskBook.milestones : []) as unknown as Array<{
    position: number;
    [key: string]: JsonValue;
  }>;
}

function projectData(project: ProjectEntity): JsonObject {
  return {
    projectId: project.id,
    challengeId: project.challengeId,
    applicationId: project.applicationId,
    issuerOrganizationId: project.issuerOrganizationId,
    leadOrganizationId: project.leadOrganizationId,
    status: project.status,
    challengeCode: project.taskBook.challengeCode ?? null,
  };
}

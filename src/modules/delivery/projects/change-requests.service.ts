import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { Principal, requireUser } from '../../../common/auth/principal';
import { assertVersion } from '../../../common/concurrency/etag';
import { DomainError } from '../../../common/errors/domain-error';
import type { JsonObject } from '../../../common/json';
import { byCreation, Page, PageQueryDto, paginate } from '../../../common/pagination/pagination';
import { Clock } from '../../../infra/clock/clock';
import { OutboxService } from '../../../infra/events/outbox.service';
import { ProgramsService } from '../../call/programs/programs.service';
import { CreateChangeRequestDto, DecideChangeRequestDto } from './dto/projects.dto';
import { TaskBookVersionEntity } from './entities/project-parts.entity';
import { ProjectChangeRequestEntity } from './entities/project-work.entity';
import type { ProjectEntity } from './entities/project.entity';
import { CHANGE_REQUEST_MACHINE, decidedStatus } from './change-request-status';
import { MILESTONE_MACHINE } from './milestone-status';
import { PROJECT_AUDIT, PROJECT_EVENTS } from './project-events';
import { ProjectAccess } from './project-access.service';
import { PROJECT_MACHINE } from './project-status';
import {
  assertExtensible,
  indicatorsOf,
  milestonesOf,
  projectData,
  requireLeadApplicant,
  UserPrincipal,
} from './projects.rules';
import { ProjectsRepository } from './projects.repository';
import { ChangeRequestView, changeRequestView } from './projects.views';

/** What a change request asks for, checked against the project: its payload and milestone. */
interface ChangeAsked {
  payload: JsonObject;
  milestoneId: string | null;
}

/**
 * Change requests (变更) of a project's task book (ADR 0027): lodged by the lead applicant while the
 * project is active, decided by an admin; an approval applies the change to a new task book version.
 */
@Injectable()
export class ChangeRequestsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly projects: ProjectsRepository,
    private readonly access: ProjectAccess,
    private readonly programs: ProgramsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  async list(actor: Principal, id: string, query: PageQueryDto): Promise<Page<ChangeRequestView>> {
    const project = await this.access.requireVisible(this.dataSource.manager, actor, id);
    const page = await paginate(this.projects.changeRequestsQuery(project.id), byCreation('r'), query);
    return { items: page.items.map(changeRequestView), nextCursor: page.nextCursor };
  }

  async get(actor: Principal, id: string): Promise<ChangeRequestView> {
    const em = this.dataSource.manager;
    const request = await this.projects.findChangeRequest(em, id);
    const project = request && (await this.projects.findById(em, request.projectId));
    if (!request || !project || !(await this.projects.isVisibleTo(em, actor, project))) {
      throw DomainError.notFound('Change request');
    }
    return changeRequestView(request);
  }

  async lodge(actor: Principal, projectId: string, dto: CreateChangeRequestDto): Promise<ChangeRequestView> {
    return this.dataSource.transaction(async (em) => {
      const project = await this.access.requireVisible(em, actor, projectId, true);
      const user = requireLeadApplicant(actor, project);
      PROJECT_MACHINE.assert(project.status, 'request_change');
      const now = this.clock.now();
      const { payload, milestoneId } = await this.changeAsked(em, project, dto, now);
      const request = await em.save(
        em.create(ProjectChangeRequestEntity, {
          projectId: project.id,
          kind: dto.kind,
          milestoneId,
          payload,
          reason: dto.reason.trim(),
          status: CHANGE_REQUEST_MACHINE.initial('lodge'),
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
        action: PROJECT_AUDIT.changeLodged,
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

  async decide(
    actor: Principal,
    id: string,
    dto: DecideChangeRequestDto,
    expectedVersion?: number,
  ): Promise<ChangeRequestView> {
    const user = requireUser(actor);
    return this.dataSource.transaction(async (em) => {
      const found = await this.projects.findChangeRequest(em, id);
      if (!found) throw DomainError.notFound('Change request');
      const project = await this.access.requireVisible(em, actor, found.projectId, true);
      const request = (await this.projects.lockChangeRequest(em, id)) as ProjectChangeRequestEntity;
      assertVersion(request.version, expectedVersion);
      const to = decidedStatus(request.status, dto.decision);
      const now = this.clock.now();
      if (dto.decision === 'approved') {
        PROJECT_MACHINE.assert(project.status, 'approve_change');
        request.taskBookVersion = await this.applyChange(em, project, request, user, now);
      }
      const before = request.status;
      request.status = to;
      request.decisionReason = dto.reason.trim();
      request.issuerOpinion = dto.issuerOpinion.trim();
      request.decidedBy = user.userId;
      request.decidedAt = now;
      request.version += 1;
      request.updatedAt = now;
      await em.save(request);
      await this.recordDecision(em, actor, project, request, before);
      return changeRequestView(request);
    });
  }

  /** The change's payload, checked: an extensible milestone, an indicator of the task book, parties. */
  private async changeAsked(
    em: EntityManager,
    project: ProjectEntity,
    dto: CreateChangeRequestDto,
    now: Date,
  ): Promise<ChangeAsked> {
    if (dto.kind === 'extension') {
      const milestone = await this.projects.findMilestoneOfProject(em, project.id, dto.milestoneId as string);
      if (!milestone) {
        throw DomainError.validation([{ field: 'milestoneId', message: 'not a milestone of this project' }]);
      }
      const newDueAt = new Date(dto.newDueAt as string);
      assertExtensible(milestone, newDueAt, now);
      return {
        milestoneId: milestone.id,
        payload: { milestoneId: milestone.id, newDueAt: newDueAt.toISOString() },
      };
    }
    if (dto.kind === 'indicator_change') {
      if (!indicatorsOf(project.taskBook).some((i) => i.indicatorId === dto.indicatorId)) {
        throw DomainError.validation([
          { field: 'indicatorId', message: 'not an indicator of the task book' },
        ]);
      }
      const payload = {
        indicatorId: dto.indicatorId as string,
        committedValue: (dto.committedValue as string).trim(),
      };
      return { milestoneId: null, payload };
    }
    const allowed = [
      project.leadOrganizationId,
      ...(await this.projects.consortiumOrganizationIds(em, project.applicationId)),
    ];
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
    const listed = members.map((m) => ({
      name: m.name.trim(),
      title: m.title.trim(),
      role: m.role.trim(),
      organizationId: m.organizationId,
    }));
    return { milestoneId: null, payload: { members: listed } };
  }

  /** Applies an approved change to a copy of the task book and saves it as the next version. */
  private async applyChange(
    em: EntityManager,
    project: ProjectEntity,
    request: ProjectChangeRequestEntity,
    user: UserPrincipal,
    now: Date,
  ): Promise<number> {
    const taskBook = structuredClone(project.taskBook);
    if (request.kind === 'extension') await this.extend(em, project, request, taskBook, now);
    else if (request.kind === 'indicator_change') {
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
    return version;
  }

  /** An approved extension: the milestone's new due time, its deadlines again, the task book's entry. */
  private async extend(
    em: EntityManager,
    project: ProjectEntity,
    request: ProjectChangeRequestEntity,
    taskBook: JsonObject,
    now: Date,
  ): Promise<void> {
    const milestone = await this.projects.lockMilestone(em, request.milestoneId as string);
    const dueAt = new Date(request.payload.newDueAt as string);
    if (!milestone) throw DomainError.notFound('Milestone');
    assertExtensible(milestone, dueAt, now);
    milestone.status = MILESTONE_MACHINE.target(milestone.status, 'extend');
    milestone.dueAt = dueAt;
    milestone.overdueAt = null;
    milestone.version += 1;
    milestone.updatedAt = now;
    await em.save(milestone);
    const entry = milestonesOf(taskBook).find((m) => m.position === milestone.position);
    if (entry) entry.dueAt = dueAt.toISOString();
    // A new due time replaces the pending jobs of the old one (DeadlineScheduler.schedule).
    const { settings } = await this.programs.requireById(em, project.programId);
    await this.access.scheduleDue(em, milestone, settings.reminderOffsetsHours);
  }

  private async recordDecision(
    em: EntityManager,
    actor: Principal,
    project: ProjectEntity,
    request: ProjectChangeRequestEntity,
    before: ProjectChangeRequestEntity['status'],
  ): Promise<void> {
    await this.audit.record(em, {
      actor,
      action: PROJECT_AUDIT.changeDecided,
      objectType: 'project_change_request',
      objectId: request.id,
      before: { status: before },
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
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../../../common/audit/audit.service';
import { isAdmin, Principal, requireUser } from '../../../common/auth/principal';
import { assertVersion } from '../../../common/concurrency/etag';
import { byCreation, Page, PageQueryDto, paginate } from '../../../common/pagination/pagination';
import { Clock } from '../../../infra/clock/clock';
import { OutboxService } from '../../../infra/events/outbox.service';
import { ProgramsService } from '../../call/programs/programs.service';
import { ListProjectsQueryDto } from './dto/projects.dto';
import type { ProjectMilestoneEntity } from './entities/project-parts.entity';
import type { ProjectEntity } from './entities/project.entity';
import { milestoneDueAt } from './milestone-due';
import { PROJECT_AUDIT, PROJECT_EVENTS } from './project-events';
import { ProjectAccess } from './project-access.service';
import { ProjectLedger } from './project-ledger';
import { ProjectLifecycleService } from './project-lifecycle.service';
import { PROJECT_MACHINE } from './project-status';
import { projectData, signingParty } from './projects.rules';
import { ProjectsRepository } from './projects.repository';
import {
  MilestoneView,
  ProjectSummaryView,
  projectSummary,
  ProjectView,
  TaskBookVersionView,
  taskBookVersionView,
} from './projects.views';

/**
 * Projects (立项, ADR 0027): the task book's three signatures and the activation, and admin
 * suspension, resumption and termination. Every write locks the project row FOR UPDATE first, so
 * writes on one project are serialized. Milestones, change requests and stage gates have their own
 * services.
 *
 * Visibility: admins, and users of the issuer organization, the lead organization and the team's
 * consortium organizations (read-only); anyone else gets 404 on every project URL.
 */
@Injectable()
export class ProjectsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly projects: ProjectsRepository,
    private readonly access: ProjectAccess,
    private readonly lifecycle: ProjectLifecycleService,
    private readonly programs: ProgramsService,
    private readonly ledger: ProjectLedger,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  // — reads —

  async list(actor: Principal, query: ListProjectsQueryDto): Promise<Page<ProjectSummaryView>> {
    if (!isAdmin(actor) && actor.kind !== 'user') return { items: [], nextCursor: null };
    const organizationId = isAdmin(actor) ? null : requireUser(actor).organizationId;
    const qb = this.projects.listQuery(organizationId, query);
    const page = await paginate(qb, byCreation('p'), query);
    return { items: page.items.map(projectSummary), nextCursor: page.nextCursor };
  }

  async get(actor: Principal, id: string): Promise<ProjectView> {
    const em = this.dataSource.manager;
    const project = await this.access.requireVisible(em, actor, id);
    return this.access.detail(em, project);
  }

  async milestones(actor: Principal, id: string): Promise<Page<MilestoneView>> {
    const em = this.dataSource.manager;
    const project = await this.access.requireVisible(em, actor, id);
    return { items: await this.access.milestoneViews(em, project.id), nextCursor: null };
  }

  async taskBookVersions(
    actor: Principal,
    id: string,
    query: PageQueryDto,
  ): Promise<Page<TaskBookVersionView>> {
    const project = await this.access.requireVisible(this.dataSource.manager, actor, id);
    const qb = this.projects.taskBookVersionsQuery(project.id);
    const page = await paginate(qb, [{ expression: 'v.version', value: (v) => v.version }], query, 'ASC');
    return { items: page.items.map(taskBookVersionView), nextCursor: page.nextCursor };
  }

  // — signatures and activation —

  async sign(actor: Principal, id: string, expectedVersion?: number): Promise<ProjectView> {
    return this.dataSource.transaction(async (em) => {
      const project = await this.access.requireVisible(em, actor, id, true);
      const party = signingParty(actor, project);
      // Signing twice is harmless: the same answer, nothing written, nothing audited.
      if (await this.projects.findSignature(em, project.id, party)) return this.access.detail(em, project);
      assertVersion(project.version, expectedVersion);
      PROJECT_MACHINE.assert(project.status, 'sign');
      const now = this.clock.now();
      const user = requireUser(actor);
      const inserted = await this.projects.insertSignature(em, {
        projectId: project.id,
        party,
        userId: user.userId,
        organizationId: user.organizationId,
        taskBookVersion: project.taskBookVersion,
        signedAt: now,
      });
      if (!inserted) return this.access.detail(em, project);
      await this.audit.record(em, {
        actor,
        action: PROJECT_AUDIT.signed,
        objectType: 'project',
        objectId: project.id,
        before: null,
        after: { party, taskBookVersion: project.taskBookVersion },
      });
      if ((await this.projects.signatureCount(em, project.id)) === 3)
        await this.activate(em, actor, project, now);
      return this.access.detail(em, project);
    });
  }

  /** The third signature: active, milestone due dates, their overdue deadlines, the ledger's plan. */
  private async activate(
    em: EntityManager,
    actor: AuditActor,
    project: ProjectEntity,
    now: Date,
  ): Promise<void> {
    const before = project.status;
    project.status = PROJECT_MACHINE.target(project.status, 'activate');
    project.activatedAt = now;
    project.version += 1;
    project.updatedAt = now;
    await em.save(project);
    const milestones = await this.scheduleMilestones(em, project, now);
    await this.ledger.planOnActivation(em, actor, project);
    await this.audit.record(em, {
      actor,
      action: PROJECT_AUDIT.activated,
      objectType: 'project',
      objectId: project.id,
      before: { status: before },
      after: {
        status: project.status,
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

  /** Each milestone due `dueMonth` months after activation, with its overdue deadline and reminders. */
  private async scheduleMilestones(
    em: EntityManager,
    project: ProjectEntity,
    now: Date,
  ): Promise<ProjectMilestoneEntity[]> {
    const milestones = await this.projects.milestones(em, project.id, true);
    for (const m of milestones) {
      m.dueAt = milestoneDueAt(now, m.dueMonth);
      m.version += 1;
      m.updatedAt = now;
    }
    await em.save(milestones);
    const { settings } = await this.programs.requireById(em, project.programId);
    for (const m of milestones) await this.access.scheduleDue(em, m, settings.reminderOffsetsHours);
    return milestones;
  }

  // — admin state actions —

  async suspend(
    actor: Principal,
    id: string,
    reason: string,
    expectedVersion?: number,
  ): Promise<ProjectView> {
    return this.dataSource.transaction(async (em) => {
      const project = await this.access.requireVisible(em, actor, id, true);
      assertVersion(project.version, expectedVersion);
      const before = project.status;
      const to = PROJECT_MACHINE.target(project.status, 'suspend');
      const now = this.clock.now();
      project.suspendedFrom = project.status;
      project.status = to;
      project.statusReason = reason.trim();
      project.version += 1;
      project.updatedAt = now;
      await em.save(project);
      await this.audit.record(em, {
        actor,
        action: PROJECT_AUDIT.suspended,
        objectType: 'project',
        objectId: project.id,
        before: { status: before },
        after: { status: project.status, reason: project.statusReason },
      });
      await this.outbox.publish(em, {
        type: PROJECT_EVENTS.suspended,
        aggregateType: 'project',
        aggregateId: project.id,
        data: { ...projectData(project), reason: project.statusReason },
      });
      return this.access.detail(em, project);
    });
  }

  async resume(actor: Principal, id: string, expectedVersion?: number): Promise<ProjectView> {
    return this.dataSource.transaction(async (em) => {
      const project = await this.access.requireVisible(em, actor, id, true);
      assertVersion(project.version, expectedVersion);
      const before = project.status;
      const to = PROJECT_MACHINE.target(project.status, 'resume', project.suspendedFrom);
      const now = this.clock.now();
      project.status = to;
      project.suspendedFrom = null;
      project.statusReason = null;
      project.version += 1;
      project.updatedAt = now;
      await em.save(project);
      await this.audit.record(em, {
        actor,
        action: PROJECT_AUDIT.resumed,
        objectType: 'project',
        objectId: project.id,
        before: { status: before },
        after: { status: to },
      });
      await this.outbox.publish(em, {
        type: PROJECT_EVENTS.resumed,
        aggregateType: 'project',
        aggregateId: project.id,
        data: { ...projectData(project), status: to },
      });
      return this.access.detail(em, project);
    });
  }

  async terminate(
    actor: Principal,
    id: string,
    reason: string,
    expectedVersion?: number,
  ): Promise<ProjectView> {
    return this.dataSource.transaction(async (em) => {
      const project = await this.access.requireVisible(em, actor, id, true);
      assertVersion(project.version, expectedVersion);
      await this.lifecycle.terminateLocked(em, actor, project, reason.trim(), null);
      return this.access.detail(em, project);
    });
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../../../common/audit/audit.service';
import { Principal, requireUser } from '../../../common/auth/principal';
import { assertVersion } from '../../../common/concurrency/etag';
import { DomainError, FieldError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { OutboxService } from '../../../infra/events/outbox.service';
import { DeadlineScheduler } from '../../../infra/scheduler/deadline.scheduler';
import { ProgramsService } from '../../call/programs/programs.service';
import type { ProjectEntity } from '../projects/entities/project.entity';
import { ProjectsRepository } from '../projects/projects.repository';
import { assertProjectTransition } from '../projects/project-status';
import { AcceptanceContextService, ProjectContext } from './acceptance-context.service';
import {
  ACCEPTANCE_ACTIONS,
  ACCEPTANCE_CONDITIONS_DEADLINE,
  ACCEPTANCE_CONDITIONS_REMINDER,
  ACCEPTANCE_ENTITY,
  ACCEPTANCE_EVENTS,
} from './acceptance.constants';
import { ACCEPTANCE_MACHINE } from './acceptance.machine';
import { AcceptanceRepository } from './acceptance.repository';
import { AcceptanceOutcomesService, Finalization } from './acceptance-outcomes.service';
import { AcceptanceViewService } from './acceptance-view.service';
import { ConfirmConditionsDto, DecideAcceptanceDto } from './dto/acceptance-input.dto';
import { AcceptanceResponseDto } from './dto/acceptance-response.dto';
import type { AcceptanceEntity } from './entities/acceptance.entity';
import { ACTIVE_MEMBER_STATUSES } from './entities/acceptance-panel-member.entity';

const SYSTEM: AuditActor = { kind: 'system' };

/** The acceptance and its project, both locked (project first). */
interface Locked {
  project: ProjectEntity;
  acceptance: AcceptanceEntity;
}

/**
 * The admin's decision (docs/adr/0029), once every active member submitted its verdicts (or with a
 * closeReason): passed and failed are final (AcceptanceOutcomesService); passed_with_conditions
 * waits for the conditions, confirmed by the admin before their due date or failed by the job.
 */
@Injectable()
export class AcceptanceDecisionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: AcceptanceRepository,
    private readonly context: AcceptanceContextService,
    private readonly outcomes: AcceptanceOutcomesService,
    private readonly views: AcceptanceViewService,
    private readonly programs: ProgramsService,
    private readonly scheduler: DeadlineScheduler,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    private readonly projects: ProjectsRepository,
  ) {}

  /**
   * passed → the project accepted and the ledger's final tranches approved; passed_with_conditions →
   * the acceptance waits for the conditions (deadline at conditionsDueAt); failed → the project
   * failed, with integrity records unless the due-diligence exemption is given.
   */
  async decide(
    actor: Principal,
    id: string,
    dto: DecideAcceptanceDto,
    expectedVersion?: number,
  ): Promise<AcceptanceResponseDto> {
    const adminId = requireUser(actor).userId;
    const errors = decisionErrors(dto);
    if (errors.length) throw DomainError.validation(errors);
    await this.dataSource.transaction(async (em) => {
      const locked = await this.lock(em, id, expectedVersion);
      const { project, acceptance } = locked;
      if (!ACCEPTANCE_MACHINE.can(acceptance.status, 'pass')) {
        throw DomainError.invalidTransition(`acceptance_${acceptance.status}`, 'decide');
      }
      const closeReason = dto.closeReason?.trim() || null;
      const progress = await this.assertVerdictsIn(acceptance, closeReason);
      const now = this.clock.now();
      const dueAt = dto.conditionsDueAt ? new Date(dto.conditionsDueAt) : null;
      if (dueAt && dueAt.getTime() <= now.getTime()) {
        throw new DomainError('BUSINESS_RULE_VIOLATION', 'conditionsDueAt must be in the future', {
          errors: [{ field: 'conditionsDueAt', message: 'must be in the future' }],
        });
      }
      // The project must still be able to close (e.g. not suspended meanwhile).
      assertProjectTransition(project.status, dto.outcome === 'failed' ? 'fail' : 'accept');
      const context = await this.context.contextOf(em, project);
      Object.assign(acceptance, {
        outcome: dto.outcome,
        decisionReason: dto.reason.trim(),
        issuerOpinion: dto.issuerOpinion.trim(),
        closeReason,
        decidedBy: adminId,
        decidedAt: now,
        conditions: dto.conditions?.trim() || null,
        conditionsDueAt: dueAt,
        trlVerdict: dto.trlVerdict ?? null,
      });
      await this.recordDecision(em, actor, acceptance, dto, progress);
      if (dto.outcome === 'passed_with_conditions' && dueAt) {
        await this.holdForConditions(em, locked, context, dueAt, now);
        return;
      }
      await this.outcomes.finalize(em, actor, locked, context, {
        final: dto.outcome === 'passed' ? 'passed' : 'failed',
        outcome: dto.outcome,
        exemption: dto.outcome === 'failed' && dto.dueDiligenceExemption === true,
        reason: dto.reason.trim(),
        conditionsResolution: null,
      });
    });
    return this.views.get(actor, id);
  }

  /**
   * The admin confirms, before conditionsDueAt, whether the conditions of a conditional pass were
   * met: met → accepted (final tranches approved); not met → failed (integrity records unless the
   * exemption is given).
   */
  async confirmConditions(
    actor: Principal,
    id: string,
    dto: ConfirmConditionsDto,
    expectedVersion?: number,
  ): Promise<AcceptanceResponseDto> {
    requireUser(actor);
    if (dto.met && dto.dueDiligenceExemption !== undefined) {
      throw DomainError.validation([{ field: 'dueDiligenceExemption', message: 'only with met: false' }]);
    }
    await this.dataSource.transaction(async (em) => {
      const locked = await this.lock(em, id, expectedVersion);
      const { project, acceptance } = locked;
      if (!ACCEPTANCE_MACHINE.can(acceptance.status, 'meet_conditions') || !acceptance.conditionsDueAt) {
        throw DomainError.invalidTransition(`acceptance_${acceptance.status}`, 'confirm_conditions');
      }
      if (this.clock.now().getTime() >= acceptance.conditionsDueAt.getTime()) {
        throw new DomainError(
          'DEADLINE_PASSED',
          `The conditions were due at ${acceptance.conditionsDueAt.toISOString()}: the acceptance fails by the deadline job`,
        );
      }
      assertProjectTransition(project.status, dto.met ? 'accept' : 'fail');
      const context = await this.context.contextOf(em, project);
      await this.scheduler.cancel(em, ACCEPTANCE_ENTITY, acceptance.id, ACCEPTANCE_CONDITIONS_DEADLINE);
      await this.scheduler.cancelReminders(
        em,
        ACCEPTANCE_ENTITY,
        acceptance.id,
        ACCEPTANCE_CONDITIONS_REMINDER,
      );
      await this.outcomes.finalize(em, actor, locked, context, {
        final: dto.met ? 'passed' : 'failed',
        outcome: dto.met ? 'passed' : 'failed',
        exemption: !dto.met && dto.dueDiligenceExemption === true,
        reason: dto.reason.trim(),
        conditionsResolution: dto.met ? 'met' : 'not_met',
      });
    });
    return this.views.get(actor, id);
  }

  /**
   * The deadline job at conditionsDueAt: an acceptance still waiting for its conditions fails —
   * without the exemption, so the integrity records are written (ADR 0029). Anything else: nothing.
   */
  async expireConditions(em: EntityManager, acceptanceId: string): Promise<boolean> {
    const found = await this.repository.findById(acceptanceId, em);
    if (!found) return false;
    const project = await this.projects.lockById(em, found.projectId);
    if (!project) return false;
    const acceptance = await this.repository.lockById(em, acceptanceId);
    if (!ACCEPTANCE_MACHINE.can(acceptance.status, 'miss_conditions') || !acceptance.conditionsDueAt)
      return false;
    if (this.clock.now().getTime() < acceptance.conditionsDueAt.getTime()) return false;
    if (project.status !== 'acceptance_requested') return false;
    const context = await this.context.contextOf(em, project);
    const expired: Finalization = {
      final: 'failed',
      outcome: 'failed',
      exemption: false,
      reason: `the conditions were not confirmed as met by ${acceptance.conditionsDueAt.toISOString()}`,
      conditionsResolution: 'expired',
    };
    await this.outcomes.finalize(em, SYSTEM, { project, acceptance }, context, expired);
    return true;
  }

  /**
   * A reminder before the conditions' due date (worker): tells the lead organization and the admins,
   * unless the acceptance is no longer waiting for its conditions.
   */
  async remindConditions(em: EntityManager, acceptanceId: string, hoursBefore: number): Promise<boolean> {
    const acceptance = await this.repository.findForShare(em, acceptanceId);
    if (
      !acceptance ||
      !ACCEPTANCE_MACHINE.can(acceptance.status, 'meet_conditions') ||
      !acceptance.conditionsDueAt
    ) {
      return false;
    }
    const project = await this.projects.findById(em, acceptance.projectId);
    if (!project) throw new Error(`acceptance ${acceptance.id}: project missing`);
    await this.outbox.publish(em, {
      type: ACCEPTANCE_EVENTS.conditionsDueSoon,
      aggregateType: 'project',
      aggregateId: project.id,
      data: {
        acceptanceId: acceptance.id,
        projectId: project.id,
        challengeId: project.challengeId,
        leadOrganizationId: project.leadOrganizationId,
        issuerOrganizationId: project.issuerOrganizationId,
        conditionsDueAt: acceptance.conditionsDueAt.toISOString(),
        hoursBefore,
      },
    });
    return true;
  }

  // — helpers —

  /** The project row, then the acceptance row, FOR UPDATE (the same order everywhere); 404, 409 stale. */
  private async lock(em: EntityManager, id: string, expectedVersion?: number): Promise<Locked> {
    const found = await this.repository.findById(id, em);
    if (!found) throw DomainError.notFound('Acceptance');
    const project = await this.projects.lockById(em, found.projectId);
    if (!project) throw DomainError.notFound('Acceptance');
    const acceptance = await this.repository.lockById(em, id);
    assertVersion(acceptance.version, expectedVersion);
    return { project, acceptance };
  }

  /** 409 (state verdicts_pending) while an active member has not submitted, unless a closeReason. */
  private async assertVerdictsIn(
    acceptance: AcceptanceEntity,
    closeReason: string | null,
  ): Promise<{ submitted: number; active: number }> {
    const members = await this.repository.membersOf(acceptance.id);
    const active = members.filter((m) => ACTIVE_MEMBER_STATUSES.includes(m.status));
    const waiting = active.filter((m) => m.status !== 'submitted');
    if ((waiting.length || !active.length) && !closeReason) {
      throw new DomainError(
        'INVALID_STATE_TRANSITION',
        `${waiting.length} of ${active.length} active panel member(s) have not submitted their verdicts: ` +
          'wait for them, or decide with a closeReason',
        { extra: { state: 'verdicts_pending', action: 'decide', waitingMembers: waiting.length } },
      );
    }
    return { submitted: active.length - waiting.length, active: active.length };
  }

  private async recordDecision(
    em: EntityManager,
    actor: Principal,
    acceptance: AcceptanceEntity,
    dto: DecideAcceptanceDto,
    progress: { submitted: number; active: number },
  ): Promise<void> {
    await this.audit.record(em, {
      actor,
      action: ACCEPTANCE_ACTIONS.decided,
      objectType: ACCEPTANCE_ENTITY,
      objectId: acceptance.id,
      before: { status: acceptance.status },
      after: {
        outcome: dto.outcome,
        reason: acceptance.decisionReason,
        issuerOpinion: acceptance.issuerOpinion,
        closeReason: acceptance.closeReason,
        conditions: acceptance.conditions,
        conditionsDueAt: acceptance.conditionsDueAt?.toISOString() ?? null,
        dueDiligenceExemption: dto.dueDiligenceExemption ?? false,
        trlVerdict: acceptance.trlVerdict,
        submittedMembers: progress.submitted,
        activeMembers: progress.active,
      },
    });
  }

  /** A conditional pass: the acceptance waits, with a deadline and reminders at the due date. */
  private async holdForConditions(
    em: EntityManager,
    { project, acceptance }: Locked,
    context: ProjectContext,
    dueAt: Date,
    now: Date,
  ): Promise<void> {
    acceptance.status = ACCEPTANCE_MACHINE.target(acceptance.status, 'pass_with_conditions');
    acceptance.version += 1;
    acceptance.updatedAt = now;
    await em.save(acceptance);
    const deadline = { entityType: ACCEPTANCE_ENTITY, entityId: acceptance.id, dueAt };
    await this.scheduler.schedule(em, { ...deadline, kind: ACCEPTANCE_CONDITIONS_DEADLINE });
    const { settings } = await this.programs.requireById(em, project.programId);
    await this.scheduler.scheduleReminders(
      em,
      { ...deadline, kind: ACCEPTANCE_CONDITIONS_REMINDER },
      settings.reminderOffsetsHours,
    );
    await this.outcomes.publishDecided(em, project, context.challenge, acceptance, {
      outcome: 'passed_with_conditions',
      exemption: false,
      conditionsResolution: null,
    });
  }
}

/** 400 for fields that do not go with the outcome. */
function decisionErrors(dto: DecideAcceptanceDto): FieldError[] {
  const conditions = dto.conditions?.trim() ?? '';
  const withConditions = dto.outcome === 'passed_with_conditions';
  return [
    withConditions && !conditions
      ? { field: 'conditions', message: 'required with passed_with_conditions' }
      : null,
    withConditions && !dto.conditionsDueAt
      ? { field: 'conditionsDueAt', message: 'required with passed_with_conditions' }
      : null,
    !withConditions && (dto.conditions !== undefined || dto.conditionsDueAt !== undefined)
      ? { field: 'conditions', message: 'only with passed_with_conditions' }
      : null,
    dto.outcome !== 'failed' && dto.dueDiligenceExemption !== undefined
      ? { field: 'dueDiligenceExemption', message: 'only with failed' }
      : null,
  ].filter((e): e is FieldError => e !== null);
}

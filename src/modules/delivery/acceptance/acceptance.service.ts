import { declarationIntent } from '../../evaluation/reviews/declaration';
import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../../../common/audit/audit.service';
import { hasRole, isAdmin, Principal, requireUser } from '../../../common/auth/principal';
import { assertVersion } from '../../../common/concurrency/etag';
import { DomainError } from '../../../common/errors/domain-error';
import { JsonObject, JsonValue } from '../../../common/json';
import { byCreation, Page, PageQueryDto, paginate } from '../../../common/pagination/pagination';
import { Clock } from '../../../infra/clock/clock';
import { OutboxService } from '../../../infra/events/outbox.service';
import { DeadlineScheduler } from '../../../infra/scheduler/deadline.scheduler';
import { ApplicationEntity } from '../../call/applications/entities/application.entity';
import { AttachmentsService } from '../../platform/attachments/attachments.service';
import { ChallengeEntity } from '../../call/challenges/entities/challenge.entity';
import { ConflictParties, conflictsOf } from '../../evaluation/experts/conflicts';
import { DrawableExpert, ExpertsRepository } from '../../evaluation/experts/experts.repository';
import { IntegrityRecordsRepository } from '../../platform/integrity-records/integrity-records.repository';
import { LedgerService } from '../payments/ledger.service';
import { minEnterpriseExperts, ProgramSettings } from '../../call/programs/program-settings';
import { ProgramsService } from '../../call/programs/programs.service';
import { ProjectMilestoneEntity } from '../projects/entities/project-parts.entity';
import { ProjectEntity, ProjectStatus } from '../projects/entities/project.entity';
import { assertProjectTransition } from '../projects/project-status';
import { drawPanel } from '../../evaluation/reviews/panel-draw';
import { TeamsService } from '../../call/teams/teams.service';
import {
  coverageMessage,
  indicatorCoverage,
  isComplete,
  measurementsOf,
  PASSED_MILESTONE_STATUSES,
  taskBookIndicators,
} from './acceptance-rules';
import {
  AcceptanceDeclareDto,
  ConfirmConditionsDto,
  DecideAcceptanceDto,
  RequestAcceptanceDto,
  SubmitVerdictsDto,
} from './dto/acceptance-input.dto';
import {
  AcceptanceAssignmentResponseDto,
  AcceptanceResponseDto,
  IndicatorVerdictsDto,
} from './dto/acceptance-response.dto';
import { AcceptanceEntity } from './entities/acceptance.entity';
import {
  AcceptancePanelMemberEntity,
  ACTIVE_MEMBER_STATUSES,
} from './entities/acceptance-panel-member.entity';
import { AcceptanceVerdictEntity } from './entities/acceptance-verdict.entity';

export const ACCEPTANCE_CONDITIONS_DEADLINE = 'acceptance.conditions_due';
/** Reminders before the conditions' due date, at the program's offsets (`…@<h>h`, ADR 0008). */
export const ACCEPTANCE_CONDITIONS_REMINDER = 'acceptance.conditions_reminder';

export const ACCEPTANCE_EVENTS = {
  requested: 'acceptance.requested',
  assigned: 'acceptance.assigned',
  decided: 'acceptance.decided',
} as const;

export const ACCEPTANCE_ACTIONS = {
  requested: 'acceptance.requested',
  declared: 'acceptance.declared',
  memberReplaced: 'acceptance.member_replaced',
  verdictsSubmitted: 'acceptance.verdicts_submitted',
  decided: 'acceptance.decided',
  conditionsResolved: 'acceptance.conditions_resolved',
  projectAccepted: 'project.accepted',
  projectFailed: 'project.failed',
  integrityRecorded: 'integrity_record.created',
} as const;

const ENTITY = 'acceptance';
const SYSTEM: AuditActor = { kind: 'system' };

/** What the conflict rules and the draw read of a project, found under its lock. */
interface ProjectContext {
  challenge: ChallengeEntity;
  settings: ProgramSettings;
  parties: ConflictParties;
  consortiumOrganizationIds: string[];
  leaderUserId: string;
}

/** A final outcome, applied to the project: by the decision, the conditions' confirmation or the job. */
interface Finalization {
  final: 'passed' | 'failed';
  /** What the event reports: the decision's outcome, or the conditions' resolution. */
  outcome: 'passed' | 'passed_with_conditions' | 'failed';
  exemption: boolean;
  reason: string;
  conditionsResolution: 'met' | 'not_met' | 'expired' | null;
}

/**
 * Acceptance (验收, docs/adr/0029-acceptance-and-integrity.md): the applicant's request draws the
 * panel at once (the seeded draw of reviews/panel-draw.ts, without conflicts with the project's
 * parties); panel members declare, then give per-indicator verdicts; the admin decides with the
 * issuer's opinion. passed → project accepted and the ledger's final tranches approved;
 * passed_with_conditions → a deadline at conditionsDueAt; failed → project failed and, without the
 * due-diligence exemption, integrity records against the leader and the lead organization.
 */
@Injectable()
export class AcceptanceService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly experts: ExpertsRepository,
    private readonly programs: ProgramsService,
    private readonly teams: TeamsService,
    private readonly attachments: AttachmentsService,
    private readonly integrity: IntegrityRecordsRepository,
    private readonly ledger: LedgerService,
    private readonly scheduler: DeadlineScheduler,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  // — the applicant's request, with the draw —

  /**
   * The lead organization's applicant requests acceptance of an active project whose milestones all
   * passed: every task-book indicator measured, evidence of the organization, a summary. The
   * project moves to acceptance_requested and the panel is drawn in the same transaction (422
   * PANEL_UNDERSTAFFED with nothing written when too few experts qualify).
   */
  async request(
    actor: Principal,
    projectId: string,
    dto: RequestAcceptanceDto,
  ): Promise<AcceptanceResponseDto> {
    const user = userOf(actor);
    const id = await this.dataSource.transaction(async (em) => {
      const project = await this.lockProject(em, projectId);
      if (!project || !(await this.isParty(em, actor, project))) throw DomainError.notFound('Project');
      if (project.leadOrganizationId !== user.organizationId || !hasRole(actor, 'applicant')) {
        throw new DomainError(
          'FORBIDDEN',
          "Only an applicant of the project's lead organization requests its acceptance",
        );
      }
      assertProjectTransition(project.status, 'request_acceptance');
      const milestones = await em.find(ProjectMilestoneEntity, {
        where: { projectId: project.id },
        order: { position: 'ASC' },
      });
      const open = milestones.filter(
        (m) => !(PASSED_MILESTONE_STATUSES as readonly string[]).includes(m.status),
      );
      if (open.length) {
        throw new DomainError(
          'BUSINESS_RULE_VIOLATION',
          `Acceptance needs every milestone passed; not yet: ${open
            .map((m) => `${m.position}.「${m.title}」 (${m.status})`)
            .join(', ')}`,
          {
            extra: {
              milestones: open.map((m) => ({
                id: m.id,
                position: m.position,
                title: m.title,
                status: m.status,
              })),
            },
          },
        );
      }
      const indicators = taskBookIndicators(project.taskBook);
      const coverage = indicatorCoverage(
        indicators,
        dto.measurements.map((m) => m.indicatorId),
      );
      if (!isComplete(coverage)) {
        throw new DomainError('BUSINESS_RULE_VIOLATION', coverageMessage('Measured values', coverage), {
          extra: {
            missingIndicators: coverage.missing.map((i) => ({ indicatorId: i.indicatorId, name: i.name })),
            unknownIndicatorIds: coverage.unknown,
            duplicateIndicatorIds: coverage.duplicate,
          },
        });
      }
      const evidence = dto.evidenceAttachmentIds ?? [];
      if (new Set(evidence.map((e) => e.toLowerCase())).size !== evidence.length) {
        throw DomainError.validation([
          { field: 'evidenceAttachmentIds', message: 'an attachment is listed twice' },
        ]);
      }
      if (evidence.length) await this.attachments.findOwnedByOrganization(em, evidence, user.organizationId);

      const context = await this.contextOf(em, project);
      const now = this.clock.now();
      const drawn = await this.draw(em, context, now);

      const acceptance = em.create(AcceptanceEntity, {
        projectId: project.id,
        status: 'requested',
        measurements: measurementsOf(indicators, dto.measurements),
        evidenceAttachmentIds: evidence,
        summary: dto.summary.trim(),
        consortiumOrganizationIds: context.consortiumOrganizationIds,
        requestedBy: user.userId,
        requestedAt: now,
        seed: drawn.seed,
        drawnAt: now,
        outcome: null,
        decisionReason: null,
        issuerOpinion: null,
        closeReason: null,
        dueDiligenceExemption: false,
        conditions: null,
        conditionsDueAt: null,
        conditionsResolution: null,
        conditionsReason: null,
        conditionsResolvedAt: null,
        decidedBy: null,
        decidedAt: null,
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      await em.save(acceptance);
      const rows = [
        ...drawn.members.map((expertId, i) => ({
          expertId,
          role: 'member' as const,
          position: i + 1,
          status: 'pending' as const,
        })),
        ...drawn.reserves.map((expertId, i) => ({
          expertId,
          role: 'reserve' as const,
          position: i + 1,
          status: 'standby' as const,
        })),
      ].map((r) =>
        em.create(AcceptancePanelMemberEntity, {
          ...r,
          acceptanceId: acceptance.id,
          statusReason: null,
          replacedBy: null,
          declaredAt: null,
          submittedAt: null,
          version: 1,
          createdAt: now,
          updatedAt: now,
        }),
      );
      await em.save(rows);

      const before = project.status;
      await this.moveProject(em, project, 'acceptance_requested', now, null);
      await this.audit.record(em, {
        actor,
        action: ACCEPTANCE_ACTIONS.requested,
        objectType: ENTITY,
        objectId: acceptance.id,
        before: { projectStatus: before },
        after: {
          projectId: project.id,
          projectStatus: project.status,
          measurements: acceptance.measurements as unknown as JsonValue,
          evidenceAttachmentIds: evidence,
          seed: drawn.seed,
          drawRule:
            'HMAC-SHA256(seed, expertId) ascending; enterprise minimum first, then fill; then reserves',
          candidateExpertIds: drawn.candidateIds,
          excluded: drawn.excluded,
          members: drawn.members,
          reserves: drawn.reserves,
          minEnterpriseExperts: minEnterpriseExperts(context.settings),
        },
      });
      await this.outbox.publish(em, {
        type: ACCEPTANCE_EVENTS.requested,
        aggregateType: 'project',
        aggregateId: project.id,
        data: { ...this.eventData(project, context.challenge, acceptance), requestedAt: now.toISOString() },
      });
      await this.notifyAssigned(
        em,
        project,
        context.challenge,
        acceptance,
        rows.filter((r) => r.role === 'member'),
      );
      return acceptance.id;
    });
    return this.get(actor, id);
  }

  // — reads —

  /** Admins and the project's parties (issuer, lead, consortium organizations); anyone else 404. */
  async get(actor: Principal, id: string): Promise<AcceptanceResponseDto> {
    const em = this.dataSource.manager;
    const acceptance = await em.findOne(AcceptanceEntity, { where: { id } });
    const project = acceptance
      ? await em.findOne(ProjectEntity, { where: { id: acceptance.projectId } })
      : null;
    if (!acceptance || !project || !this.canRead(actor, project, acceptance)) {
      throw DomainError.notFound('Acceptance');
    }
    return this.view(em, actor, project, acceptance);
  }

  /** The project's latest acceptance, for the same readers. */
  async getOfProject(actor: Principal, projectId: string): Promise<AcceptanceResponseDto> {
    const em = this.dataSource.manager;
    const project = await em.findOne(ProjectEntity, { where: { id: projectId } });
    if (!project || !(await this.isParty(em, actor, project))) throw DomainError.notFound('Project');
    const acceptance = await em.findOne(AcceptanceEntity, {
      where: { projectId },
      order: { requestedAt: 'DESC', id: 'DESC' },
    });
    if (!acceptance || !this.canRead(actor, project, acceptance)) throw DomainError.notFound('Acceptance');
    return this.view(em, actor, project, acceptance);
  }

  // — the experts' side —

  /** The caller's acceptance assignments (members called to the panel; reserves once called), newest first. */
  async listAssignments(
    actor: Principal,
    query: PageQueryDto,
  ): Promise<Page<AcceptanceAssignmentResponseDto>> {
    const expertId = await this.expertIdOf(this.dataSource.manager, actor);
    if (!expertId) return { items: [], nextCursor: null };
    const qb = this.dataSource.manager
      .createQueryBuilder(AcceptancePanelMemberEntity, 'm')
      .where('m.expert_id = :expertId', { expertId })
      .andWhere(`m.status <> 'standby'`);
    const page = await paginate(qb, byCreation('m'), query);
    const items: AcceptanceAssignmentResponseDto[] = [];
    for (const m of page.items) items.push(await this.assignmentView(this.dataSource.manager, m));
    return { items, nextCursor: page.nextCursor };
  }

  /** One of the caller's assignments; anyone else's (and a reserve not called) is 404. */
  async getAssignment(actor: Principal, id: string): Promise<AcceptanceAssignmentResponseDto> {
    const member = await this.requireOwnAssignment(this.dataSource.manager, actor, id);
    return this.assignmentView(this.dataSource.manager, member);
  }

  /**
   * The declaration before the expert sees the request. `{conflict:false}`: the conflict rules run
   * again on the profile as it is now; none → declared. A conflict found → replaced by the next
   * reserve and 422 CONFLICT_OF_INTEREST (the replacement is committed). `{conflict:true, reason}`
   * or `{decline:true, reason}` → replaced by the next reserve, 200.
   */
  async declare(
    actor: Principal,
    id: string,
    dto: AcceptanceDeclareDto,
  ): Promise<AcceptanceAssignmentResponseDto> {
    const intent = declarationIntent(dto);
    const existing = await this.requireOwnAssignment(this.dataSource.manager, actor, id);
    const result = await this.dataSource.transaction(async (em) => {
      const acceptance = await this.lockAcceptance(em, existing.acceptanceId);
      if (acceptance.status !== 'requested') {
        throw DomainError.invalidTransition(`acceptance_${acceptance.status}`, 'declare');
      }
      const member = await em.findOneOrFail(AcceptancePanelMemberEntity, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (member.status !== 'pending') throw DomainError.invalidTransition(member.status, 'declare');
      const project = await em.findOneOrFail(ProjectEntity, { where: { id: acceptance.projectId } });
      const context = await this.contextOf(em, project);
      const now = this.clock.now();
      const expert = await this.experts.findForConflicts(em, member.expertId);
      const found = expert
        ? conflictsOf(expert, context.parties, context.settings.conflictWindowYears, now)
        : [];

      if (intent.kind === 'none' && !found.length) {
        member.status = 'declared';
        member.declaredAt = now;
        member.version += 1;
        member.updatedAt = now;
        await em.save(member);
        await this.audit.record(em, {
          actor,
          action: ACCEPTANCE_ACTIONS.declared,
          objectType: 'acceptance_panel_member',
          objectId: member.id,
          before: { status: 'pending' },
          after: { status: 'declared', conflict: false, acceptanceId: acceptance.id },
        });
        return { member, found, reserveCalled: undefined };
      }
      const outcome = intent.kind === 'decline' ? 'declined' : 'conflicted';
      const automatic = found.map((c) => c.detail).join('; ');
      const reason =
        intent.kind === 'none'
          ? `conflict of interest found at declaration: ${automatic}`
          : intent.reason + (found.length ? ` (also found by the rules: ${automatic})` : '');
      const reserveCalled = await this.replaceMember(
        em,
        actor,
        project,
        acceptance,
        member,
        outcome,
        reason,
        context,
      );
      return { member, found, reserveCalled };
    });
    if (intent.kind === 'none' && result.found.length) {
      throw new DomainError(
        'CONFLICT_OF_INTEREST',
        `You have a conflict of interest with this project: ${result.found.map((c) => c.detail).join('; ')}. ` +
          'You have been replaced on the acceptance panel.',
        {
          extra: {
            conflicts: result.found.map((c) => ({
              kind: c.kind,
              organizationId: c.organizationId ?? null,
              detail: c.detail,
            })),
            assignmentStatus: result.member.status,
            reserveCalled: result.reserveCalled ?? false,
          },
        },
      );
    }
    const view = await this.assignmentView(this.dataSource.manager, result.member);
    if (result.reserveCalled !== undefined) view.reserveCalled = result.reserveCalled;
    return view;
  }

  /**
   * A declared member's verdicts on every task-book indicator, once (409 on a second submission,
   * before declaring, or once the acceptance is decided); the caller not on the panel: 404.
   */
  async submitVerdicts(
    actor: Principal,
    acceptanceId: string,
    dto: SubmitVerdictsDto,
  ): Promise<AcceptanceAssignmentResponseDto> {
    const member = await this.dataSource.transaction(async (em) => {
      const expertId = await this.expertIdOf(em, actor);
      const exists = await em.findOne(AcceptanceEntity, { where: { id: acceptanceId } });
      const own =
        expertId && exists
          ? await em.findOne(AcceptancePanelMemberEntity, { where: { acceptanceId, expertId } })
          : null;
      if (!exists || !own || own.status === 'standby') throw DomainError.notFound('Acceptance');
      const acceptance = await this.lockAcceptance(em, acceptanceId);
      const m = await em.findOneOrFail(AcceptancePanelMemberEntity, {
        where: { id: own.id },
        lock: { mode: 'pessimistic_write' },
      });
      if (acceptance.status !== 'requested') {
        throw DomainError.invalidTransition(`acceptance_${acceptance.status}`, 'submit_verdicts');
      }
      if (m.status === 'pending') {
        throw new DomainError(
          'INVALID_STATE_TRANSITION',
          'Declare first that you have no conflict of interest: verdicts come after that',
          { extra: { state: m.status, action: 'submit_verdicts' } },
        );
      }
      if (m.status !== 'declared') throw DomainError.invalidTransition(m.status, 'submit_verdicts');
      const indicators = acceptance.measurements.map((x) => ({
        indicatorId: x.indicatorId,
        name: x.name,
        unit: x.unit,
        targetValue: x.targetValue,
        committedValue: x.committedValue,
      }));
      const coverage = indicatorCoverage(
        indicators,
        dto.verdicts.map((v) => v.indicatorId),
      );
      if (!isComplete(coverage)) {
        throw new DomainError('BUSINESS_RULE_VIOLATION', coverageMessage('Verdicts', coverage), {
          extra: {
            missingIndicators: coverage.missing.map((i) => ({ indicatorId: i.indicatorId, name: i.name })),
            unknownIndicatorIds: coverage.unknown,
            duplicateIndicatorIds: coverage.duplicate,
          },
        });
      }
      const now = this.clock.now();
      const canonical = new Map(indicators.map((i) => [i.indicatorId.toLowerCase(), i.indicatorId]));
      await em.save(
        dto.verdicts.map((v) =>
          em.create(AcceptanceVerdictEntity, {
            panelMemberId: m.id,
            indicatorId: canonical.get(v.indicatorId.toLowerCase()) ?? v.indicatorId,
            acceptanceId,
            verdict: v.verdict,
            comment: v.comment.trim(),
            createdAt: now,
          }),
        ),
      );
      m.status = 'submitted';
      m.submittedAt = now;
      m.version += 1;
      m.updatedAt = now;
      await em.save(m);
      await this.audit.record(em, {
        actor,
        action: ACCEPTANCE_ACTIONS.verdictsSubmitted,
        objectType: 'acceptance_panel_member',
        objectId: m.id,
        before: { status: 'declared' },
        after: {
          status: 'submitted',
          acceptanceId,
          verdicts: dto.verdicts.map((v) => ({
            indicatorId: v.indicatorId,
            verdict: v.verdict,
            comment: v.comment,
          })),
        },
      });
      return m;
    });
    return this.assignmentView(this.dataSource.manager, member);
  }

  // — the admin's decision —

  /**
   * The decision, once every active member submitted its verdicts (or with a closeReason).
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
    const adminId = userOf(actor).userId;
    const reason = dto.reason.trim();
    const conditions = dto.conditions?.trim() ?? '';
    const errors = [
      dto.outcome === 'passed_with_conditions' && !conditions
        ? { field: 'conditions', message: 'required with passed_with_conditions' }
        : null,
      dto.outcome === 'passed_with_conditions' && !dto.conditionsDueAt
        ? { field: 'conditionsDueAt', message: 'required with passed_with_conditions' }
        : null,
      dto.outcome !== 'passed_with_conditions' &&
      (dto.conditions !== undefined || dto.conditionsDueAt !== undefined)
        ? { field: 'conditions', message: 'only with passed_with_conditions' }
        : null,
      dto.outcome !== 'failed' && dto.dueDiligenceExemption !== undefined
        ? { field: 'dueDiligenceExemption', message: 'only with failed' }
        : null,
    ].filter((e): e is { field: string; message: string } => e !== null);
    if (errors.length) throw DomainError.validation(errors);

    await this.dataSource.transaction(async (em) => {
      const found = await em.findOne(AcceptanceEntity, { where: { id } });
      if (!found) throw DomainError.notFound('Acceptance');
      const project = await this.lockProject(em, found.projectId);
      if (!project) throw DomainError.notFound('Acceptance');
      const acceptance = await this.lockAcceptance(em, id);
      assertVersion(acceptance.version, expectedVersion);
      if (acceptance.status !== 'requested') {
        throw DomainError.invalidTransition(`acceptance_${acceptance.status}`, 'decide');
      }
      const members = await em.find(AcceptancePanelMemberEntity, { where: { acceptanceId: id } });
      const active = members.filter((m) => ACTIVE_MEMBER_STATUSES.includes(m.status));
      const waiting = active.filter((m) => m.status !== 'submitted');
      const closeReason = dto.closeReason?.trim() || null;
      if ((waiting.length || !active.length) && !closeReason) {
        throw new DomainError(
          'INVALID_STATE_TRANSITION',
          `${waiting.length} of ${active.length} active panel member(s) have not submitted their verdicts: ` +
            'wait for them, or decide with a closeReason',
          { extra: { state: 'verdicts_pending', action: 'decide', waitingMembers: waiting.length } },
        );
      }
      const now = this.clock.now();
      const dueAt = dto.conditionsDueAt ? new Date(dto.conditionsDueAt) : null;
      if (dueAt && dueAt.getTime() <= now.getTime()) {
        throw new DomainError('BUSINESS_RULE_VIOLATION', 'conditionsDueAt must be in the future', {
          errors: [{ field: 'conditionsDueAt', message: 'must be in the future' }],
        });
      }
      // The project must still be able to close (e.g. not suspended meanwhile).
      assertProjectTransition(project.status, dto.outcome === 'failed' ? 'fail' : 'accept');
      const context = await this.contextOf(em, project);

      acceptance.outcome = dto.outcome;
      acceptance.decisionReason = reason;
      acceptance.issuerOpinion = dto.issuerOpinion.trim();
      acceptance.closeReason = closeReason;
      acceptance.decidedBy = adminId;
      acceptance.decidedAt = now;
      acceptance.conditions = conditions || null;
      acceptance.conditionsDueAt = dueAt;
      await this.audit.record(em, {
        actor,
        action: ACCEPTANCE_ACTIONS.decided,
        objectType: ENTITY,
        objectId: acceptance.id,
        before: { status: 'requested' },
        after: {
          outcome: dto.outcome,
          reason,
          issuerOpinion: acceptance.issuerOpinion,
          closeReason,
          conditions: acceptance.conditions,
          conditionsDueAt: dueAt?.toISOString() ?? null,
          dueDiligenceExemption: dto.dueDiligenceExemption ?? false,
          submittedMembers: active.length - waiting.length,
          activeMembers: active.length,
        },
      });
      if (dto.outcome === 'passed_with_conditions' && dueAt) {
        acceptance.status = 'conditional';
        acceptance.version += 1;
        acceptance.updatedAt = now;
        await em.save(acceptance);
        await this.scheduler.schedule(em, {
          entityType: ENTITY,
          entityId: acceptance.id,
          kind: ACCEPTANCE_CONDITIONS_DEADLINE,
          dueAt,
        });
        const { settings } = await this.programs.requireById(em, project.programId);
        await this.scheduler.scheduleReminders(
          em,
          { entityType: ENTITY, entityId: acceptance.id, kind: ACCEPTANCE_CONDITIONS_REMINDER, dueAt },
          settings.reminderOffsetsHours,
        );
        await this.publishDecided(
          em,
          project,
          context.challenge,
          acceptance,
          'passed_with_conditions',
          false,
          null,
        );
        return;
      }
      await this.finalize(em, actor, project, acceptance, context, {
        final: dto.outcome === 'passed' ? 'passed' : 'failed',
        outcome: dto.outcome,
        exemption: dto.outcome === 'failed' && dto.dueDiligenceExemption === true,
        reason,
        conditionsResolution: null,
      });
    });
    return this.get(actor, id);
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
    userOf(actor);
    if (dto.met && dto.dueDiligenceExemption !== undefined) {
      throw DomainError.validation([{ field: 'dueDiligenceExemption', message: 'only with met: false' }]);
    }
    await this.dataSource.transaction(async (em) => {
      const found = await em.findOne(AcceptanceEntity, { where: { id } });
      if (!found) throw DomainError.notFound('Acceptance');
      const project = await this.lockProject(em, found.projectId);
      if (!project) throw DomainError.notFound('Acceptance');
      const acceptance = await this.lockAcceptance(em, id);
      assertVersion(acceptance.version, expectedVersion);
      if (acceptance.status !== 'conditional' || !acceptance.conditionsDueAt) {
        throw DomainError.invalidTransition(`acceptance_${acceptance.status}`, 'confirm_conditions');
      }
      const now = this.clock.now();
      if (now.getTime() >= acceptance.conditionsDueAt.getTime()) {
        throw new DomainError(
          'DEADLINE_PASSED',
          `The conditions were due at ${acceptance.conditionsDueAt.toISOString()}: the acceptance fails by the deadline job`,
        );
      }
      assertProjectTransition(project.status, dto.met ? 'accept' : 'fail');
      const context = await this.contextOf(em, project);
      await this.scheduler.cancel(em, ENTITY, acceptance.id, ACCEPTANCE_CONDITIONS_DEADLINE);
      await this.scheduler.cancelReminders(em, ENTITY, acceptance.id, ACCEPTANCE_CONDITIONS_REMINDER);
      await this.finalize(em, actor, project, acceptance, context, {
        final: dto.met ? 'passed' : 'failed',
        outcome: dto.met ? 'passed' : 'failed',
        exemption: !dto.met && dto.dueDiligenceExemption === true,
        reason: dto.reason.trim(),
        conditionsResolution: dto.met ? 'met' : 'not_met',
      });
    });
    return this.get(actor, id);
  }

  /**
   * The deadline job at conditionsDueAt: an acceptance still waiting for its conditions fails —
   * without the exemption, so the integrity records are written (ADR 0029). Anything else: nothing.
   */
  async expireConditions(em: EntityManager, acceptanceId: string): Promise<boolean> {
    const found = await em.findOne(AcceptanceEntity, { where: { id: acceptanceId } });
    if (!found) return false;
    const project = await this.lockProject(em, found.projectId);
    if (!project) return false;
    const acceptance = await this.lockAcceptance(em, acceptanceId);
    if (acceptance.status !== 'conditional' || !acceptance.conditionsDueAt) return false;
    if (this.clock.now().getTime() < acceptance.conditionsDueAt.getTime()) return false;
    if (project.status !== 'acceptance_requested') return false;
    const context = await this.contextOf(em, project);
    await this.finalize(em, SYSTEM, project, acceptance, context, {
      final: 'failed',
      outcome: 'failed',
      exemption: false,
      reason: `the conditions were not confirmed as met by ${acceptance.conditionsDueAt.toISOString()}`,
      conditionsResolution: 'expired',
    });
    return true;
  }

  /**
   * A reminder before the conditions' due date (worker): tells the lead organization and the admins,
   * unless the acceptance is no longer waiting for its conditions.
   */
  async remindConditions(em: EntityManager, acceptanceId: string, hoursBefore: number): Promise<boolean> {
    const acceptance = await em.findOne(AcceptanceEntity, {
      where: { id: acceptanceId },
      lock: { mode: 'pessimistic_read' },
    });
    if (acceptance?.status !== 'conditional' || !acceptance.conditionsDueAt) return false;
    const project = await em.findOneOrFail(ProjectEntity, { where: { id: acceptance.projectId } });
    await this.outbox.publish(em, {
      type: 'acceptance.conditions_due_soon',
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

  /** Applies a final outcome to the acceptance and the project, under both locks. */
  private async finalize(
    em: EntityManager,
    actor: AuditActor,
    project: ProjectEntity,
    acceptance: AcceptanceEntity,
    context: ProjectContext,
    f: Finalization,
  ): Promise<void> {
    const now = this.clock.now();
    const before = { status: acceptance.status };
    acceptance.status = f.final;
    acceptance.dueDiligenceExemption = f.final === 'failed' && f.exemption;
    if (f.conditionsResolution) {
      acceptance.conditionsResolution = f.conditionsResolution;
      acceptance.conditionsReason = f.reason;
      acceptance.conditionsResolvedAt = now;
    }
    acceptance.version += 1;
    acceptance.updatedAt = now;
    await em.save(acceptance);

    const projectBefore = project.status;
    await this.moveProject(em, project, f.final === 'passed' ? 'accepted' : 'failed', now, f.reason);
    await this.audit.record(em, {
      actor,
      action: f.final === 'passed' ? ACCEPTANCE_ACTIONS.projectAccepted : ACCEPTANCE_ACTIONS.projectFailed,
      objectType: 'project',
      objectId: project.id,
      before: { status: projectBefore },
      after: {
        status: project.status,
        acceptanceId: acceptance.id,
        reason: f.reason,
        dueDiligenceExemption: acceptance.dueDiligenceExemption,
      },
    });
    if (f.conditionsResolution) {
      await this.audit.record(em, {
        actor,
        action: ACCEPTANCE_ACTIONS.conditionsResolved,
        objectType: ENTITY,
        objectId: acceptance.id,
        before,
        after: {
          status: acceptance.status,
          conditionsResolution: f.conditionsResolution,
          reason: f.reason,
          dueDiligenceExemption: acceptance.dueDiligenceExemption,
        },
      });
    }
    if (f.final === 'passed') {
      await this.ledger.approveFinal(em, actor, project);
    } else if (!acceptance.dueDiligenceExemption) {
      const text =
        `项目验收不通过（未予尽职免责）：榜单 ${context.challenge.code}「${context.challenge.title}」，` +
        `验收 ${acceptance.id}，原因：${acceptance.decisionReason ?? f.reason}` +
        (f.conditionsResolution ? `；验收条件未满足：${f.reason}` : '');
      const records = await this.integrity.insert(em, [
        {
          subjectType: 'user',
          subjectId: context.leaderUserId,
          reason: text,
          sourceType: ENTITY,
          sourceId: acceptance.id,
          recordedAt: now,
        },
        {
          subjectType: 'organization',
          subjectId: project.leadOrganizationId,
          reason: text,
          sourceType: ENTITY,
          sourceId: acceptance.id,
          recordedAt: now,
        },
      ]);
      for (const r of records) {
        await this.audit.record(em, {
          actor,
          action: ACCEPTANCE_ACTIONS.integrityRecorded,
          objectType: 'integrity_record',
          objectId: r.id,
          before: null,
          after: {
            subjectType: r.subjectType,
            subjectId: r.subjectId,
            reason: r.reason,
            sourceType: r.sourceType,
            sourceId: r.sourceId,
          },
        });
      }
    }
    await this.publishDecided(
      em,
      project,
      context.challenge,
      acceptance,
      f.outcome,
      acceptance.dueDiligenceExemption,
      f.conditionsResolution,
    );
  }

  private async publishDecided(
    em: EntityManager,
    project: ProjectEntity,
    challenge: ChallengeEntity,
    acceptance: AcceptanceEntity,
    outcome: string,
    exemption: boolean,
    conditionsResolution: string | null,
  ): Promise<void> {
    await this.outbox.publish(em, {
      type: ACCEPTANCE_EVENTS.decided,
      aggregateType: 'project',
      aggregateId: project.id,
      data: {
        ...this.eventData(project, challenge, acceptance),
        outcome,
        status: acceptance.status,
        exemption,
        conditionsDueAt: acceptance.conditionsDueAt?.toISOString() ?? null,
        conditionsResolution,
        projectStatus: project.status,
      },
    });
  }

  private eventData(
    project: ProjectEntity,
    challenge: ChallengeEntity,
    acceptance: AcceptanceEntity,
  ): JsonObject {
    return {
      acceptanceId: acceptance.id,
      projectId: project.id,
      challengeId: project.challengeId,
      code: challenge.code,
      title: challenge.title,
      issuerOrganizationId: project.issuerOrganizationId,
      leadOrganizationId: project.leadOrganizationId,
    };
  }

  /** Updates the project row (held FOR UPDATE by the caller): status, version, closed_at. */
  private async moveProject(
    em: EntityManager,
    project: ProjectEntity,
    to: ProjectStatus,
    now: Date,
    reason: string | null,
  ): Promise<void> {
    project.status = to;
    project.version += 1;
    project.updatedAt = now;
    if (to === 'accepted' || to === 'failed') {
      project.closedAt = now;
      project.statusReason = reason;
    }
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

  /**
   * The project's parties for the conflict rules: the issuer; the lead organization and the
   * consortium organizations of the winning bid's team; the leader and every team member with an
   * account. Plus the list (industry chain) and the program's settings.
   */
  private async contextOf(em: EntityManager, project: ProjectEntity): Promise<ProjectContext> {
    const challenge = await em.findOneOrFail(ChallengeEntity, { where: { id: project.challengeId } });
    const bid = await em.findOneOrFail(ApplicationEntity, { where: { id: project.applicationId } });
    const { settings } = await this.programs.requireById(em, project.programId);
    const organizations = new Set<string>([project.leadOrganizationId, bid.leadOrganizationId]);
    const consortium = new Set<string>();
    const users = new Set<string>([bid.leaderUserId]);
    const team = await this.teams.findTeamWithParts(bid.teamId, em);
    if (team) {
      organizations.add(team.leadOrganization.id);
      users.add(team.team.leaderUserId);
      for (const c of team.consortium) {
        organizations.add(c.organization.id);
        consortium.add(c.organization.id);
      }
      for (const m of team.members) if (m.userId) users.add(m.userId);
    }
    const leader =
      typeof project.taskBook.leaderUserId === 'string' ? project.taskBook.leaderUserId : bid.leaderUserId;
    users.add(leader);
    return {
      challenge,
      settings,
      parties: {
        issuerOrganizationId: project.issuerOrganizationId,
        bidderOrganizationIds: [...organizations],
        memberUserIds: [...users],
      },
      consortiumOrganizationIds: [...consortium],
      leaderUserId: leader,
    };
  }

  /** The seeded draw (reviews/panel-draw.ts) over the chain's experts without any conflict. */
  private async draw(
    em: EntityManager,
    context: ProjectContext,
    now: Date,
  ): Promise<{
    seed: string;
    members: string[];
    reserves: string[];
    candidateIds: string[];
    excluded: JsonObject[];
  }> {
    const { settings } = context;
    const pool = await this.experts.findActiveForChain(em, context.challenge.industryChainCode);
    const excluded: JsonObject[] = [];
    const candidates: DrawableExpert[] = [];
    for (const expert of pool) {
      const conflicts = conflictsOf(expert, context.parties, settings.conflictWindowYears, now);
      if (conflicts.length)
        excluded.push({ expertId: expert.expertId, conflicts: conflicts.map((c) => c.kind) });
      else candidates.push(expert);
    }
    const seed = randomBytes(32).toString('hex');
    const minEnterprise = minEnterpriseExperts(settings);
    const drawn = drawPanel(
      seed,
      candidates.map((c) => ({ expertId: c.expertId, enterprise: c.affiliationType === 'enterprise' })),
      { panelSize: settings.panelSize, minEnterprise, reserves: settings.reserveExperts },
    );
    if (!drawn.ok) {
      const parts = [
        drawn.missingExperts ? `${drawn.missingExperts} more expert(s)` : null,
        drawn.missingEnterpriseExperts ? `${drawn.missingEnterpriseExperts} more enterprise expert(s)` : null,
      ].filter(Boolean);
      throw new DomainError(
        'PANEL_UNDERSTAFFED',
        `Too few experts qualify for the acceptance panel: it needs ${settings.panelSize} members and ` +
          `${settings.reserveExperts} reserves with at least ${minEnterprise} from enterprises; ${drawn.candidates} ` +
          `qualify (${drawn.enterpriseCandidates} from enterprises, ${excluded.length} excluded for conflicts): ` +
          `${parts.join(' and ')} needed`,
        {
          extra: {
            missingExperts: drawn.missingExperts,
            missingEnterpriseExperts: drawn.missingEnterpriseExperts,
            qualifiedExperts: drawn.candidates,
            qualifiedEnterpriseExperts: drawn.enterpriseCandidates,
            excludedForConflicts: excluded.length,
            panelSize: settings.panelSize,
            reserveExperts: settings.reserveExperts,
            minEnterpriseExperts: minEnterprise,
          },
        },
      );
    }
    return {
      seed,
      members: drawn.members,
      reserves: drawn.reserves,
      candidateIds: candidates.map((c) => c.expertId).sort(),
      excluded,
    };
  }

  /**
   * Takes a member off the panel (conflicted or declined) and calls the next standby reserve in
   * draw order without a conflict now — an enterprise one first when the panel would otherwise fall
   * under its enterprise minimum; a reserve found conflicted becomes `unused`. No reserve left: the
   * panel goes on short (the admin decides with a closeReason). Audited. True when a reserve came.
   */
  private async replaceMember(
    em: EntityManager,
    actor: Principal,
    project: ProjectEntity,
    acceptance: AcceptanceEntity,
    member: AcceptancePanelMemberEntity,
    outcome: 'conflicted' | 'declined',
    reason: string,
    context: ProjectContext,
  ): Promise<boolean> {
    const now = this.clock.now();
    member.status = outcome;
    member.statusReason = reason;
    member.declaredAt = now;
    member.version += 1;
    member.updatedAt = now;
    const members = await em.find(AcceptancePanelMemberEntity, {
      where: { acceptanceId: acceptance.id },
      order: { role: 'ASC', position: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
    const leaving = await this.experts.findForConflicts(em, member.expertId);
    const stillActive = members.filter(
      (m) => m.id !== member.id && ACTIVE_MEMBER_STATUSES.includes(m.status),
    );
    const enterpriseLeft = await this.experts.countEnterpriseAffiliated(
      em,
      stillActive.map((m) => m.expertId),
    );
    const needEnterprise =
      leaving?.affiliationType === 'enterprise' && enterpriseLeft < minEnterpriseExperts(context.settings);
    const skipped: JsonObject[] = [];
    const usable: Array<{ reserve: AcceptancePanelMemberEntity; enterprise: boolean }> = [];
    for (const reserve of members.filter((m) => m.role === 'reserve' && m.status === 'standby')) {
      const expert = await this.experts.findForConflicts(em, reserve.expertId);
      const conflicts = expert
        ? conflictsOf(expert, context.parties, context.settings.conflictWindowYears, now)
        : [{ kind: 'missing', detail: 'the expert profile no longer exists' }];
      if (conflicts.length) {
        reserve.status = 'unused';
        reserve.statusReason = `conflict found when called: ${conflicts.map((c) => c.detail).join('; ')}`;
        reserve.version += 1;
        reserve.updatedAt = now;
        skipped.push({
          panelMemberId: reserve.id,
          expertId: reserve.expertId,
          conflicts: conflicts.map((c) => c.kind),
        });
        continue;
      }
      usable.push({ reserve, enterprise: expert?.affiliationType === 'enterprise' });
    }
    const chosen = (needEnterprise ? usable.find((u) => u.enterprise) : undefined) ?? usable[0];
    if (chosen) {
      chosen.reserve.status = 'pending';
      chosen.reserve.statusReason = `replaces ${member.role} ${member.position}`;
      chosen.reserve.version += 1;
      chosen.reserve.updatedAt = now;
      member.replacedBy = chosen.reserve.id;
    }
    await em.save(members.map((m) => (m.id === member.id ? member : m)));
    acceptance.version += 1;
    acceptance.updatedAt = now;
    await em.save(acceptance);
    await this.audit.record(em, {
      actor,
      action: ACCEPTANCE_ACTIONS.memberReplaced,
      objectType: ENTITY,
      objectId: acceptance.id,
      before: { panelMemberId: member.id, expertId: member.expertId, status: 'pending' },
      after: {
        panelMemberId: member.id,
        expertId: member.expertId,
        status: member.status,
        reason,
        replacementMemberId: chosen?.reserve.id ?? null,
        replacementExpertId: chosen?.reserve.expertId ?? null,
        skippedReserves: skipped,
        reserveLeft: Boolean(chosen),
      },
    });
    if (chosen) await this.notifyAssigned(em, project, context.challenge, acceptance, [chosen.reserve]);
    return Boolean(chosen);
  }

  /** `acceptance.assigned` per expert called: the notification tells the expert's user. */
  private async notifyAssigned(
    em: EntityManager,
    project: ProjectEntity,
    challenge: ChallengeEntity,
    acceptance: AcceptanceEntity,
    members: AcceptancePanelMemberEntity[],
  ): Promise<void> {
    if (!members.length) return;
    const rows = await em.query<Array<{ id: string; user_id: string }>>(
      `SELECT id, user_id FROM experts WHERE id = ANY($1::uuid[])`,
      [members.map((m) => m.expertId)],
    );
    const users = new Map(rows.map((r) => [r.id, r.user_id]));
    for (const m of members) {
      await this.outbox.publish(em, {
        type: ACCEPTANCE_EVENTS.assigned,
        aggregateType: 'project',
        aggregateId: project.id,
        data: {
          acceptanceId: acceptance.id,
          projectId: project.id,
          code: challenge.code,
          title: challenge.title,
          panelMemberId: m.id,
          expertUserId: users.get(m.expertId) ?? '',
        },
      });
    }
  }

  private lockProject(em: EntityManager, id: string): Promise<ProjectEntity | null> {
    return em.findOne(ProjectEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  private lockAcceptance(em: EntityManager, id: string): Promise<AcceptanceEntity> {
    return em.findOneOrFail(AcceptanceEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Admins, and users of the issuer, lead or (at request time) consortium organizations. */
  private async isParty(em: EntityManager, actor: Principal, project: ProjectEntity): Promise<boolean> {
    if (isAdmin(actor)) return true;
    if (actor.kind !== 'user') return false;
    if (
      actor.organizationId === project.issuerOrganizationId ||
      actor.organizationId === project.leadOrganizationId
    ) {
      return true;
    }
    const latest = await em.findOne(AcceptanceEntity, {
      where: { projectId: project.id },
      order: { requestedAt: 'DESC', id: 'DESC' },
    });
    if (latest) return latest.consortiumOrganizationIds.includes(actor.organizationId);
    const bid = await em.findOne(ApplicationEntity, { where: { id: project.applicationId } });
    const team = bid ? await this.teams.findTeamWithParts(bid.teamId, em) : null;
    return Boolean(team?.consortium.some((c) => c.organization.id === actor.organizationId));
  }

  private canRead(actor: Principal, project: ProjectEntity, acceptance: AcceptanceEntity): boolean {
    if (isAdmin(actor)) return true;
    if (actor.kind !== 'user') return false;
    return (
      actor.organizationId === project.issuerOrganizationId ||
      actor.organizationId === project.leadOrganizationId ||
      acceptance.consortiumOrganizationIds.includes(actor.organizationId)
    );
  }

  private async expertIdOf(em: EntityManager, actor: Principal): Promise<string | null> {
    if (actor.kind !== 'user' || !hasRole(actor, 'expert')) return null;
    const [row] = await em.query<Array<{ id: string }>>(`SELECT id FROM experts WHERE user_id = $1`, [
      actor.userId,
    ]);
    return row?.id ?? null;
  }

  private async requireOwnAssignment(
    em: EntityManager,
    actor: Principal,
    id: string,
  ): Promise<AcceptancePanelMemberEntity> {
    const expertId = await this.expertIdOf(em, actor);
    const member = expertId ? await em.findOne(AcceptancePanelMemberEntity, { where: { id } }) : null;
    if (!member || member.expertId !== expertId || member.status === 'standby') {
      throw DomainError.notFound('Acceptance assignment');
    }
    return member;
  }

  private async view(
    em: EntityManager,
    actor: Principal,
    project: ProjectEntity,
    a: AcceptanceEntity,
  ): Promise<AcceptanceResponseDto> {
    const admin = isAdmin(actor);
    const members = await em.find(AcceptancePanelMemberEntity, {
      where: { acceptanceId: a.id },
      order: { role: 'ASC', position: 'ASC' },
    });
    const drawnSize = members.filter((m) => m.role === 'member').length;
    const panel: AcceptanceResponseDto['panel'] = {
      panelSize: drawnSize,
      activeMembers: members.filter((m) => ACTIVE_MEMBER_STATUSES.includes(m.status)).length,
      submittedMembers: members.filter((m) => m.status === 'submitted').length,
      reservesLeft: members.filter((m) => m.status === 'standby').length,
      drawnAt: a.drawnAt,
    };
    if (admin) {
      const names = await this.expertNames(
        em,
        members.map((m) => m.expertId),
      );
      panel.seed = a.seed;
      panel.members = members.map((m) => ({
        id: m.id,
        expertId: m.expertId,
        expertName: names.get(m.expertId) ?? '',
        role: m.role,
        position: m.position,
        status: m.status,
        statusReason: m.statusReason,
        replacedBy: m.replacedBy,
        submittedAt: m.submittedAt,
      }));
    }
    let verdicts: IndicatorVerdictsDto[] | null = null;
    if (admin || a.status !== 'requested') {
      const rows = await em.find(AcceptanceVerdictEntity, {
        where: { acceptanceId: a.id },
        order: { createdAt: 'ASC', panelMemberId: 'ASC' },
      });
      verdicts = a.measurements.map((i) => {
        const mine = rows.filter((r) => r.indicatorId === i.indicatorId);
        return {
          indicatorId: i.indicatorId,
          name: i.name,
          met: mine.filter((r) => r.verdict === 'met').length,
          partiallyMet: mine.filter((r) => r.verdict === 'partially_met').length,
          notMet: mine.filter((r) => r.verdict === 'not_met').length,
          verdicts: mine.map((r) =>
            admin
              ? { verdict: r.verdict, comment: r.comment, panelMemberId: r.panelMemberId }
              : { verdict: r.verdict, comment: r.comment },
          ),
        };
      });
    }
    return {
      id: a.id,
      projectId: a.projectId,
      challengeId: project.challengeId,
      status: a.status,
      measurements: a.measurements,
      evidenceAttachmentIds: a.evidenceAttachmentIds,
      summary: a.summary,
      requestedBy: a.requestedBy,
      requestedAt: a.requestedAt,
      panel,
      outcome: a.outcome,
      decisionReason: a.decisionReason,
      issuerOpinion: a.issuerOpinion,
      closeReason: a.closeReason,
      dueDiligenceExemption: a.dueDiligenceExemption,
      conditions: a.conditions,
      conditionsDueAt: a.conditionsDueAt,
      conditionsResolution: a.conditionsResolution,
      conditionsReason: a.conditionsReason,
      conditionsResolvedAt: a.conditionsResolvedAt,
      decidedAt: a.decidedAt,
      verdicts,
      version: a.version,
    };
  }

  private async assignmentView(
    em: EntityManager,
    m: AcceptancePanelMemberEntity,
  ): Promise<AcceptanceAssignmentResponseDto> {
    const a = await em.findOneOrFail(AcceptanceEntity, { where: { id: m.acceptanceId } });
    const [p] = await em.query<Array<{ challenge_id: string; code: string; title: string }>>(
      `SELECT p.challenge_id, c.code, c.title FROM projects p JOIN challenges c ON c.id = p.challenge_id WHERE p.id = $1`,
      [a.projectId],
    );
    const open = m.status === 'declared' || m.status === 'submitted';
    const own =
      m.status === 'submitted'
        ? await em.find(AcceptanceVerdictEntity, {
            where: { panelMemberId: m.id },
            order: { createdAt: 'ASC' },
          })
        : null;
    return {
      id: m.id,
      acceptanceId: m.acceptanceId,
      project: {
        projectId: a.projectId,
        challengeId: p?.challenge_id ?? '',
        challengeCode: p?.code ?? '',
        challengeTitle: p?.title ?? '',
      },
      role: m.role,
      status: m.status,
      declaredAt: m.declaredAt,
      submittedAt: m.submittedAt,
      measurements: open ? a.measurements : null,
      summary: open ? a.summary : null,
      evidenceAttachmentIds: open ? a.evidenceAttachmentIds : null,
      verdicts: own
        ? own.map((v) => ({ indicatorId: v.indicatorId, verdict: v.verdict, comment: v.comment }))
        : null,
      version: m.version,
    };
  }

  private async expertNames(em: EntityManager, expertIds: string[]): Promise<Map<string, string>> {
    if (!expertIds.length) return new Map();
    const rows = await em.query<Array<{ id: string; display_name: string }>>(
      `SELECT e.id, u.display_name FROM experts e JOIN users u ON u.id = e.user_id WHERE e.id = ANY($1::uuid[])`,
      [expertIds],
    );
    return new Map(rows.map((r) => [r.id, r.display_name]));
  }
}

const userOf = (actor: Principal) => requireUser(actor, 'Only a signed-in user may do this');

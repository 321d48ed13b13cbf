import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { hasRole, Principal } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import { Page, PageQueryDto } from '../../../common/pagination/pagination';
import { Clock } from '../../../infra/clock/clock';
import type { ChallengeEntity } from '../../call/challenges/entities/challenge.entity';
import {
  conflictOfInterest,
  declarationIntent,
  declarationOutcome,
} from '../../evaluation/panels/declaration';
import { ExpertPanelService } from '../../evaluation/panels/expert-panel.service';
import { LeaveOutcome, PANEL_MEMBER_MACHINE } from '../../evaluation/panels/panel-member.machine';
import { AS_STORED } from '../../evaluation/panels/panel-seats';
import type { ProjectEntity } from '../projects/entities/project.entity';
import { ProjectsRepository } from '../projects/projects.repository';
import { AcceptanceContextService, ProjectContext } from './acceptance-context.service';
import {
  ACCEPTANCE_ACTIONS,
  ACCEPTANCE_ENTITY,
  ACCEPTANCE_EVENTS,
  ACCEPTANCE_MEMBER_ENTITY,
} from './acceptance.constants';
import { ACCEPTANCE_MACHINE } from './acceptance.machine';
import { AcceptanceRepository } from './acceptance.repository';
import { AcceptanceViewService } from './acceptance-view.service';
import { AcceptanceDeclareDto } from './dto/acceptance-input.dto';
import { AcceptanceAssignmentResponseDto } from './dto/acceptance-response.dto';
import type { AcceptanceEntity } from './entities/acceptance.entity';
import { AcceptancePanelMemberEntity } from './entities/acceptance-panel-member.entity';

/**
 * The acceptance panel's experts (docs/adr/0029): their assignments, the declaration (the conflict
 * rules again on the profile as it is now) and the replacement by the next reserve, through the
 * shared expert panel (ADR 0041). Only the seat's own expert sees or changes it; anyone else (and a
 * reserve not called) gets 404. The verdicts are AcceptanceVerdictsService.
 */
@Injectable()
export class AcceptancePanelService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: AcceptanceRepository,
    private readonly context: AcceptanceContextService,
    private readonly views: AcceptanceViewService,
    private readonly expertPanel: ExpertPanelService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly projects: ProjectsRepository,
  ) {}

  /** The caller's acceptance assignments (members called to the panel; reserves once called), newest first. */
  async listAssignments(
    actor: Principal,
    query: PageQueryDto,
  ): Promise<Page<AcceptanceAssignmentResponseDto>> {
    const expertId = await this.expertIdOf(this.dataSource.manager, actor);
    if (!expertId) return { items: [], nextCursor: null };
    const page = await this.repository.pageOfExpert(expertId, query);
    const items: AcceptanceAssignmentResponseDto[] = [];
    for (const m of page.items) items.push(await this.views.assignmentView(this.dataSource.manager, m));
    return { items, nextCursor: page.nextCursor };
  }

  /** One of the caller's assignments; anyone else's (and a reserve not called) is 404. */
  async getAssignment(actor: Principal, id: string): Promise<AcceptanceAssignmentResponseDto> {
    const member = await this.requireOwnAssignment(this.dataSource.manager, actor, id);
    return this.views.assignmentView(this.dataSource.manager, member);
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
      const acceptance = await this.repository.lockById(em, existing.acceptanceId);
      if (!ACCEPTANCE_MACHINE.can(acceptance.status, 'pass')) {
        throw DomainError.invalidTransition(`acceptance_${acceptance.status}`, 'declare');
      }
      const member = await this.repository.lockMember(em, id);
      PANEL_MEMBER_MACHINE.assert(member.status, 'declare');
      const project = await this.projects.findById(em, acceptance.projectId);
      if (!project) throw new Error(`acceptance ${acceptance.id}: project missing`);
      const context = await this.context.contextOf(em, project);
      const now = this.clock.now();
      const { parties, settings } = context;
      const found = await this.expertPanel.conflictsNow(em, member.expertId, parties, settings, now);
      const outcome = declarationOutcome(intent, found);
      if (outcome.stays) {
        await this.markDeclared(em, actor, acceptance, member, now);
        return { member, found, reserveCalled: undefined };
      }
      const reserveCalled = await this.replaceMember(
        em,
        actor,
        { project, acceptance, context },
        member,
        outcome,
      );
      return { member, found, reserveCalled };
    });
    if (intent.kind === 'none' && result.found.length) {
      throw conflictOfInterest(
        result.found,
        { what: 'project', panel: 'acceptance panel' },
        { assignmentStatus: result.member.status, reserveCalled: result.reserveCalled ?? false },
      );
    }
    const view = await this.views.assignmentView(this.dataSource.manager, result.member);
    if (result.reserveCalled !== undefined) view.reserveCalled = result.reserveCalled;
    return view;
  }

  /** `acceptance.assigned` per expert called: the notification tells the expert's user. */
  notifyAssigned(
    em: EntityManager,
    project: ProjectEntity,
    challenge: ChallengeEntity,
    acceptance: AcceptanceEntity,
    members: AcceptancePanelMemberEntity[],
  ): Promise<void> {
    return this.expertPanel.notifyAssigned(em, members, (m, expertUserId) => ({
      type: ACCEPTANCE_EVENTS.assigned,
      aggregateType: 'project',
      aggregateId: project.id,
      data: {
        acceptanceId: acceptance.id,
        projectId: project.id,
        code: challenge.code,
        title: challenge.title,
        panelMemberId: m.id,
        expertUserId,
      },
    }));
  }

  /** The caller's expert profile id, or null when it is not an expert. */
  async expertIdOf(em: EntityManager, actor: Principal): Promise<string | null> {
    if (actor.kind !== 'user' || !hasRole(actor, 'expert')) return null;
    return this.expertPanel.expertIdOfUser(em, actor.userId);
  }

  // — helpers —

  private async markDeclared(
    em: EntityManager,
    actor: Principal,
    acceptance: AcceptanceEntity,
    member: AcceptancePanelMemberEntity,
    now: Date,
  ): Promise<void> {
    member.status = PANEL_MEMBER_MACHINE.target(member.status, 'declare');
    member.declaredAt = now;
    member.version += 1;
    member.updatedAt = now;
    await em.save(member);
    await this.audit.record(em, {
      actor,
      action: ACCEPTANCE_ACTIONS.declared,
      objectType: ACCEPTANCE_MEMBER_ENTITY,
      objectId: member.id,
      before: { status: 'pending' },
      after: { status: member.status, conflict: false, acceptanceId: acceptance.id },
    });
  }

  /**
   * Takes a member off the panel (conflicted or declined) and calls the next reserve
   * (ExpertPanelService.replace). No reserve left: the panel goes on short (the admin decides with a
   * closeReason). Audited. True when a reserve came.
   */
  private async replaceMember(
    em: EntityManager,
    actor: Principal,
    on: { project: ProjectEntity; acceptance: AcceptanceEntity; context: ProjectContext },
    member: AcceptancePanelMemberEntity,
    leaving: { outcome: LeaveOutcome; reason: string },
  ): Promise<boolean> {
    const { acceptance, context } = on;
    const now = this.clock.now();
    member.declaredAt = now;
    const { chosen: called, skipped } = await this.expertPanel.replace(em, {
      members: await this.repository.lockMembersOf(em, acceptance.id),
      leaving: member,
      outcome: leaving.outcome,
      statusReason: leaving.reason,
      parties: context.parties,
      settings: context.settings,
      now,
      spelling: AS_STORED,
    });
    acceptance.version += 1;
    acceptance.updatedAt = now;
    await em.save(acceptance);
    await this.audit.record(em, {
      actor,
      action: ACCEPTANCE_ACTIONS.memberReplaced,
      objectType: ACCEPTANCE_ENTITY,
      objectId: acceptance.id,
      before: { panelMemberId: member.id, expertId: member.expertId, status: 'pending' },
      after: {
        panelMemberId: member.id,
        expertId: member.expertId,
        status: member.status,
        reason: leaving.reason,
        replacementMemberId: called?.id ?? null,
        replacementExpertId: called?.expertId ?? null,
        skippedReserves: skipped,
        reserveLeft: Boolean(called),
      },
    });
    if (called) await this.notifyAssigned(em, on.project, context.challenge, acceptance, [called]);
    return Boolean(called);
  }

  private async requireOwnAssignment(
    em: EntityManager,
    actor: Principal,
    id: string,
  ): Promise<AcceptancePanelMemberEntity> {
    const expertId = await this.expertIdOf(em, actor);
    const member = expertId ? await this.repository.findMember(id, em) : null;
    if (!member || member.expertId !== expertId || member.status === 'standby') {
      throw DomainError.notFound('Acceptance assignment');
    }
    return member;
  }
}

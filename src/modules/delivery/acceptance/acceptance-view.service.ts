import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { isAdmin, Principal } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import { ExpertPanelService } from '../../evaluation/panels/expert-panel.service';
import { drawnPanelSize } from '../../evaluation/panels/panel-seats';
import type { ProjectEntity } from '../projects/entities/project.entity';
import { ProjectsRepository } from '../projects/projects.repository';
import { AcceptanceContextService, canRead } from './acceptance-context.service';
import { AcceptanceRepository } from './acceptance.repository';
import {
  AcceptanceAssignmentResponseDto,
  AcceptanceResponseDto,
  IndicatorVerdictsDto,
} from './dto/acceptance-response.dto';
import type { AcceptanceEntity } from './entities/acceptance.entity';
import {
  AcceptancePanelMemberEntity,
  ACTIVE_MEMBER_STATUSES,
} from './entities/acceptance-panel-member.entity';
import type { AcceptanceVerdictEntity } from './entities/acceptance-verdict.entity';

/**
 * The reads of an acceptance (docs/adr/0029): admins see the panel with names, the seed and the
 * verdicts with their members; the project's parties see counts, and the verdicts without members
 * once the acceptance left `requested`; an expert sees its own assignment.
 */
@Injectable()
export class AcceptanceViewService {
  constructor(
    private readonly repository: AcceptanceRepository,
    private readonly context: AcceptanceContextService,
    private readonly expertPanel: ExpertPanelService,
    private readonly projects: ProjectsRepository,
  ) {}

  /** Admins and the project's parties (issuer, lead, consortium organizations); anyone else 404. */
  async get(actor: Principal, id: string): Promise<AcceptanceResponseDto> {
    const acceptance = await this.repository.findById(id);
    const project = acceptance
      ? await this.projects.findById(this.projects.manager, acceptance.projectId)
      : null;
    if (!acceptance || !project || !canRead(actor, project, acceptance)) {
      throw DomainError.notFound('Acceptance');
    }
    return this.view(actor, project, acceptance);
  }

  /** The project's latest acceptance, for the same readers. */
  async getOfProject(actor: Principal, projectId: string): Promise<AcceptanceResponseDto> {
    const em = this.repository.manager();
    const project = await this.projects.findById(em, projectId);
    if (!project || !(await this.context.isParty(em, actor, project))) throw DomainError.notFound('Project');
    const acceptance = await this.repository.findLatestOfProject(projectId);
    if (!acceptance || !canRead(actor, project, acceptance)) throw DomainError.notFound('Acceptance');
    return this.view(actor, project, acceptance);
  }

  /** An expert's assignment: the request's content only once it declared no conflict. */
  async assignmentView(
    em: EntityManager,
    m: AcceptancePanelMemberEntity,
  ): Promise<AcceptanceAssignmentResponseDto> {
    const a = await this.repository.findById(m.acceptanceId, em);
    if (!a) throw new Error(`panel member ${m.id}: acceptance missing`);
    const p = await this.repository.headingOf(em, a.projectId);
    const open = m.status === 'declared' || m.status === 'submitted';
    const own = m.status === 'submitted' ? await this.repository.verdictsOfMember(m.id, em) : null;
    return {
      id: m.id,
      acceptanceId: m.acceptanceId,
      project: {
        projectId: a.projectId,
        challengeId: p?.challengeId ?? '',
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

  // — helpers —

  private async view(
    actor: Principal,
    project: ProjectEntity,
    a: AcceptanceEntity,
  ): Promise<AcceptanceResponseDto> {
    const admin = isAdmin(actor);
    const members = await this.repository.membersOf(a.id);
    const panel = await this.panelView(a, members, admin);
    const verdicts =
      admin || a.status !== 'requested'
        ? verdictsView(a, await this.repository.verdictsOf(a.id), admin)
        : null;
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
      trlVerdict: a.trlVerdict,
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

  private async panelView(
    a: AcceptanceEntity,
    members: AcceptancePanelMemberEntity[],
    admin: boolean,
  ): Promise<AcceptanceResponseDto['panel']> {
    const panel: AcceptanceResponseDto['panel'] = {
      panelSize: drawnPanelSize(members),
      activeMembers: members.filter((m) => ACTIVE_MEMBER_STATUSES.includes(m.status)).length,
      submittedMembers: members.filter((m) => m.status === 'submitted').length,
      reservesLeft: members.filter((m) => m.status === 'standby').length,
      drawnAt: a.drawnAt,
    };
    if (!admin) return panel;
    const names = await this.expertPanel.expertNames(members.map((m) => m.expertId));
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
    return panel;
  }
}

/** Per indicator: the counts and the verdicts (with their members for admins only). */
function verdictsView(
  a: AcceptanceEntity,
  rows: AcceptanceVerdictEntity[],
  admin: boolean,
): IndicatorVerdictsDto[] {
  return a.measurements.map((i) => {
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

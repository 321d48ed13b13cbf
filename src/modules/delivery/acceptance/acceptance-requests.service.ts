import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { hasRole, Principal, requireUser } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import { JsonValue } from '../../../common/json';
import { Clock } from '../../../infra/clock/clock';
import { OutboxService } from '../../../infra/events/outbox.service';
import { AttachmentsService } from '../../platform/attachments/attachments.service';
import type { DrawnPanel } from '../../evaluation/panels/expert-panel.service';
import { ExpertPanelService } from '../../evaluation/panels/expert-panel.service';
import type { ProjectEntity, ProjectStatus } from '../projects/entities/project.entity';
import { ProjectsRepository } from '../projects/projects.repository';
import { assertProjectTransition } from '../projects/project-status';
import { ProjectLifecycleService } from '../projects/project-lifecycle.service';
import { assertDistinctAttachmentIds } from '../projects/projects.rules';
import { AcceptanceContextService, eventData, ProjectContext } from './acceptance-context.service';
import {
  coverageMessage,
  indicatorCoverage,
  isComplete,
  measurementsOf,
  PASSED_MILESTONE_STATUSES,
  TaskBookIndicator,
  taskBookIndicators,
} from './acceptance-rules';
import { ACCEPTANCE_ACTIONS, ACCEPTANCE_ENTITY, ACCEPTANCE_EVENTS } from './acceptance.constants';
import { ACCEPTANCE_MACHINE } from './acceptance.machine';
import { AcceptanceRepository } from './acceptance.repository';
import { AcceptancePanelService } from './acceptance-panel.service';
import { AcceptanceViewService } from './acceptance-view.service';
import { RequestAcceptanceDto } from './dto/acceptance-input.dto';
import { AcceptanceResponseDto } from './dto/acceptance-response.dto';
import { AcceptanceEntity } from './entities/acceptance.entity';
import { AcceptancePanelMemberEntity } from './entities/acceptance-panel-member.entity';

/**
 * The applicant's request for acceptance (docs/adr/0029): milestones passed, every indicator
 * measured, evidence of the lead organization; the panel is drawn at once by the shared expert panel
 * (ADR 0041) without conflicts with the project's parties, and the project moves to
 * acceptance_requested in the same transaction.
 */
@Injectable()
export class AcceptanceRequestsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: AcceptanceRepository,
    private readonly context: AcceptanceContextService,
    private readonly panel: AcceptancePanelService,
    private readonly views: AcceptanceViewService,
    private readonly expertPanel: ExpertPanelService,
    private readonly attachments: AttachmentsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    private readonly projectLifecycle: ProjectLifecycleService,
    private readonly projects: ProjectsRepository,
  ) {}

  /**
   * The lead organization's applicant requests acceptance of an active project whose milestones all
   * passed: every task-book indicator measured, evidence of the organization, a summary. 422
   * PANEL_UNDERSTAFFED with nothing written when too few experts qualify.
   */
  async request(
    actor: Principal,
    projectId: string,
    dto: RequestAcceptanceDto,
  ): Promise<AcceptanceResponseDto> {
    const user = requireUser(actor);
    const id = await this.dataSource.transaction(async (em) => {
      const project = await this.projects.lockById(em, projectId);
      if (!project || !(await this.context.isParty(em, actor, project)))
        throw DomainError.notFound('Project');
      if (project.leadOrganizationId !== user.organizationId || !hasRole(actor, 'applicant')) {
        throw new DomainError(
          'FORBIDDEN',
          "Only an applicant of the project's lead organization requests its acceptance",
        );
      }
      assertProjectTransition(project.status, 'request_acceptance');
      await this.assertMilestonesPassed(em, project);
      const indicators = assertMeasured(project, dto);
      const evidence = await this.checkEvidence(em, dto, user.organizationId);
      const context = await this.context.contextOf(em, project);
      const now = this.clock.now();
      const drawn = await this.expertPanel.draw(em, {
        industryChainCode: context.challenge.industryChainCode,
        listTexts: [context.challenge.title, context.challenge.publicSummary],
        parties: context.parties,
        settings: context.settings,
        now,
        panelName: 'acceptance panel',
      });
      const acceptance = await this.create(em, {
        project,
        dto,
        indicators,
        evidence,
        context,
        drawn,
        userId: user.userId,
        now,
      });
      const members = await this.seat(em, acceptance, drawn, now);
      const before = project.status;
      await this.projectLifecycle.requestAcceptance(em, project, now);
      await this.recordRequest(em, actor, { project, before, acceptance, context, drawn, now });
      await this.panel.notifyAssigned(em, project, context.challenge, acceptance, members);
      return acceptance.id;
    });
    return this.views.get(actor, id);
  }

  // — helpers —

  private async assertMilestonesPassed(em: EntityManager, project: ProjectEntity): Promise<void> {
    const milestones = await this.projects.milestones(em, project.id);
    const open = milestones.filter(
      (m) => !(PASSED_MILESTONE_STATUSES as readonly string[]).includes(m.status),
    );
    if (!open.length) return;
    throw new DomainError(
      'BUSINESS_RULE_VIOLATION',
      `Acceptance needs every milestone passed; not yet: ${open
        .map((m) => `${m.position}.「${m.title}」 (${m.status})`)
        .join(', ')}`,
      {
        extra: {
          milestones: open.map((m) => ({ id: m.id, position: m.position, title: m.title, status: m.status })),
        },
      },
    );
  }

  private async checkEvidence(
    em: EntityManager,
    dto: RequestAcceptanceDto,
    organizationId: string,
  ): Promise<string[]> {
    const evidence = dto.evidenceAttachmentIds ?? [];
    assertDistinctAttachmentIds(evidence, 'evidenceAttachmentIds');
    if (evidence.length) await this.attachments.findOwnedByOrganization(em, evidence, organizationId);
    return evidence;
  }

  private async create(
    em: EntityManager,
    r: {
      project: ProjectEntity;
      dto: RequestAcceptanceDto;
      indicators: TaskBookIndicator[];
      evidence: string[];
      context: ProjectContext;
      drawn: DrawnPanel;
      userId: string;
      now: Date;
    },
  ): Promise<AcceptanceEntity> {
    const acceptance = em.create(AcceptanceEntity, {
      projectId: r.project.id,
      status: ACCEPTANCE_MACHINE.initial('request'),
      measurements: measurementsOf(r.indicators, r.dto.measurements),
      evidenceAttachmentIds: r.evidence,
      summary: r.dto.summary.trim(),
      consortiumOrganizationIds: r.context.consortiumOrganizationIds,
      requestedBy: r.userId,
      requestedAt: r.now,
      seed: r.drawn.seed,
      drawnAt: r.now,
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
      createdAt: r.now,
      updatedAt: r.now,
    });
    return em.save(acceptance);
  }

  /** Stores the drawn members and reserves; the members, to be told. */
  private async seat(
    em: EntityManager,
    acceptance: AcceptanceEntity,
    drawn: DrawnPanel,
    now: Date,
  ): Promise<AcceptancePanelMemberEntity[]> {
    const rows = drawn.seats.map((s) =>
      em.create(AcceptancePanelMemberEntity, {
        ...s,
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
    return rows.filter((r) => r.role === 'member');
  }

  private async recordRequest(
    em: EntityManager,
    actor: Principal,
    r: {
      project: ProjectEntity;
      before: ProjectStatus;
      acceptance: AcceptanceEntity;
      context: ProjectContext;
      drawn: DrawnPanel;
      now: Date;
    },
  ): Promise<void> {
    const { project, acceptance, drawn } = r;
    await this.audit.record(em, {
      actor,
      action: ACCEPTANCE_ACTIONS.requested,
      objectType: ACCEPTANCE_ENTITY,
      objectId: acceptance.id,
      before: { projectStatus: r.before },
      after: {
        projectId: project.id,
        projectStatus: project.status,
        measurements: acceptance.measurements as unknown as JsonValue,
        evidenceAttachmentIds: acceptance.evidenceAttachmentIds,
        seed: drawn.seed,
        drawRule: drawn.rule,
        candidateExpertIds: drawn.candidateIds,
        candidateFits: drawn.fits,
        excluded: drawn.excluded,
        members: drawn.members,
        reserves: drawn.reserves,
        minEnterpriseExperts: drawn.minEnterprise,
      },
    });
    await this.outbox.publish(em, {
      type: ACCEPTANCE_EVENTS.requested,
      aggregateType: 'project',
      aggregateId: project.id,
      data: { ...eventData(project, r.context.challenge, acceptance), requestedAt: r.now.toISOString() },
    });
  }
}

/** 422 unless every task-book indicator has exactly one measured value; the indicators. */
function assertMeasured(project: ProjectEntity, dto: RequestAcceptanceDto): TaskBookIndicator[] {
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
  return indicators;
}

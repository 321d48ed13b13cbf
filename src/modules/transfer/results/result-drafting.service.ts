import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { JsonObject } from '../../../common/json';
import { OutboxService } from '../../../infra/events/outbox.service';
import { ChallengesRepository } from '../../call/challenges/challenges.repository';
import { AcceptanceRepository } from '../../delivery/acceptance/acceptance.repository';
import type { AcceptanceVerdictEntity } from '../../delivery/acceptance/entities/acceptance-verdict.entity';
import { ProjectsRepository } from '../../delivery/projects/projects.repository';
import { OrganizationsRepository } from '../../platform/organizations/organizations.repository';
import type { ResultEntity, ResultIndicator } from './entities/result.entity';
import { RESULT_ACTIONS, RESULT_ENTITY, RESULT_EVENTS } from './results.constants';
import { resultEventData } from './results.mappers';
import { ResultsRepository } from './results.repository';
import { RESULT_MACHINE } from './results-status';
import { ResultUtilisationService } from './result-utilisation.service';

/**
 * A passed acceptance drafts a result (docs/adr/0059): from the project's task book, its indicators
 * with the panel's verdicts, and the panel's TRL verdict as the verified TRL. Idempotent: the unique
 * index on acceptance_id keeps one result per acceptance, however often the event is handled.
 */
@Injectable()
export class ResultDraftingService {
  constructor(
    private readonly results: ResultsRepository,
    private readonly acceptances: AcceptanceRepository,
    private readonly projects: ProjectsRepository,
    private readonly challenges: ChallengesRepository,
    private readonly organizations: OrganizationsRepository,
    private readonly utilisation: ResultUtilisationService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  /** The draft of a passed acceptance, or null when the acceptance did not pass or already has its result. */
  async draftFromAcceptance(em: EntityManager, data: JsonObject): Promise<ResultEntity | null> {
    if (data.status !== 'passed' || typeof data.acceptanceId !== 'string') return null;
    if (await this.results.findByAcceptance(em, data.acceptanceId)) return null;
    const acceptance = await this.acceptances.findById(data.acceptanceId, em);
    if (!acceptance || acceptance.status !== 'passed') return null;
    const project = await this.projects.findById(em, acceptance.projectId);
    if (!project) throw new Error(`acceptance ${acceptance.id}: project missing`);
    const challenge = await this.challenges.findById(project.challengeId, em);
    if (!challenge) throw new Error(`project ${project.id}: challenge missing`);
    const lead = await this.organizations.findById(project.leadOrganizationId, em);
    const verdicts = await this.acceptances.verdictsOf(acceptance.id, em);
    // The task book's indicators as they stood at the acceptance request, with the measured values.
    const indicators = acceptance.measurements.map((m) => withVerdicts(m, m.measuredValue, verdicts));
    const now = acceptance.decidedAt ?? acceptance.updatedAt;
    const result = await this.results.insertForAcceptance(em, {
      status: RESULT_MACHINE.initial('draft_from_acceptance'),
      source: 'acceptance',
      title: `${challenge.title}（揭榜挂帅项目成果）`,
      abstract: abstractOf(challenge.code ?? challenge.title, indicators),
      type: 'other',
      industryChainCode: challenge.industryChainCode,
      keywords: [],
      trlClaimed: null,
      verifiedTrl: acceptance.trlVerdict,
      ipRecords: [],
      holders: [{ name: lead?.name ?? '', organizationId: project.leadOrganizationId }],
      transferModes: [],
      priceGuidanceFen: null,
      organizationId: project.leadOrganizationId,
      projectId: project.id,
      challengeId: project.challengeId,
      acceptanceId: acceptance.id,
      indicators,
      returnReason: null,
      submittedAt: null,
      publishedAt: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    if (!result) return null;
    await this.audit.record(em, {
      actor: { kind: 'system' },
      action: RESULT_ACTIONS.drafted,
      objectType: RESULT_ENTITY,
      objectId: result.id,
      before: null,
      after: { ...resultEventData(result), acceptanceId: acceptance.id },
    });
    await this.outbox.publish(em, {
      type: RESULT_EVENTS.drafted,
      aggregateType: RESULT_ENTITY,
      aggregateId: result.id,
      data: { ...resultEventData(result), acceptanceId: acceptance.id },
    });
    await this.utilisation.scheduleFor(em, result, now, project.programId);
    return result;
  }
}

function withVerdicts(
  i: { indicatorId: string; name: string; unit: string; targetValue: string },
  measuredValue: string | null,
  verdicts: AcceptanceVerdictEntity[],
): ResultIndicator {
  const mine = verdicts.filter((v) => v.indicatorId.toLowerCase() === i.indicatorId.toLowerCase());
  return {
    indicatorId: i.indicatorId,
    name: i.name,
    unit: i.unit,
    targetValue: i.targetValue,
    measuredValue,
    met: mine.filter((v) => v.verdict === 'met').length,
    partiallyMet: mine.filter((v) => v.verdict === 'partially_met').length,
    notMet: mine.filter((v) => v.verdict === 'not_met').length,
  };
}

function abstractOf(code: string, indicators: ResultIndicator[]): string {
  const lines = indicators.map(
    (i) => `${i.name}：目标 ${i.targetValue}${i.unit ? ` ${i.unit}` : ''}，实测 ${i.measuredValue ?? '—'}`,
  );
  return [`榜单 ${code} 揭榜项目已通过验收。任务书指标：`, ...lines].join('\n');
}

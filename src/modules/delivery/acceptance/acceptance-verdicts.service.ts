import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { Principal } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { PANEL_MEMBER_MACHINE } from '../../evaluation/panels/panel-member.machine';
import { coverageMessage, indicatorCoverage, isComplete } from './acceptance-rules';
import { ACCEPTANCE_ACTIONS, ACCEPTANCE_MEMBER_ENTITY } from './acceptance.constants';
import { ACCEPTANCE_MACHINE } from './acceptance.machine';
import { AcceptanceRepository } from './acceptance.repository';
import { AcceptancePanelService } from './acceptance-panel.service';
import { AcceptanceViewService } from './acceptance-view.service';
import { SubmitVerdictsDto } from './dto/acceptance-input.dto';
import { AcceptanceAssignmentResponseDto } from './dto/acceptance-response.dto';
import type { AcceptanceEntity } from './entities/acceptance.entity';
import { AcceptancePanelMemberEntity } from './entities/acceptance-panel-member.entity';
import { AcceptanceVerdictEntity } from './entities/acceptance-verdict.entity';

/**
 * A declared member's verdicts on every task-book indicator (docs/adr/0029): `met | partially_met |
 * not_met` with a comment, each indicator exactly once, final.
 */
@Injectable()
export class AcceptanceVerdictsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: AcceptanceRepository,
    private readonly panel: AcceptancePanelService,
    private readonly views: AcceptanceViewService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Once (409 on a second submission, before declaring, or once the acceptance is decided); 422
   * naming missing, unknown or repeated indicators; the caller not on the panel: 404.
   */
  async submitVerdicts(
    actor: Principal,
    acceptanceId: string,
    dto: SubmitVerdictsDto,
  ): Promise<AcceptanceAssignmentResponseDto> {
    const member = await this.dataSource.transaction(async (em) => {
      const { acceptance, m } = await this.lockOwnSeat(em, actor, acceptanceId);
      const canonical = assertCoverage(acceptance, dto);
      const now = this.clock.now();
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
      m.status = PANEL_MEMBER_MACHINE.target(m.status, 'submit');
      m.submittedAt = now;
      m.version += 1;
      m.updatedAt = now;
      await em.save(m);
      await this.audit.record(em, {
        actor,
        action: ACCEPTANCE_ACTIONS.verdictsSubmitted,
        objectType: ACCEPTANCE_MEMBER_ENTITY,
        objectId: m.id,
        before: { status: 'declared' },
        after: {
          status: m.status,
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
    return this.views.assignmentView(this.dataSource.manager, member);
  }

  /** The acceptance and the caller's seat, both locked; 404 off the panel, 409 when not declared. */
  private async lockOwnSeat(
    em: EntityManager,
    actor: Principal,
    acceptanceId: string,
  ): Promise<{ acceptance: AcceptanceEntity; m: AcceptancePanelMemberEntity }> {
    const expertId = await this.panel.expertIdOf(em, actor);
    const exists = await this.repository.findById(acceptanceId, em);
    const own =
      expertId && exists ? await this.repository.findMemberOfExpert(em, acceptanceId, expertId) : null;
    if (!exists || !own || own.status === 'standby') throw DomainError.notFound('Acceptance');
    const acceptance = await this.repository.lockById(em, acceptanceId);
    const m = await this.repository.lockMember(em, own.id);
    if (!ACCEPTANCE_MACHINE.can(acceptance.status, 'pass')) {
      throw DomainError.invalidTransition(`acceptance_${acceptance.status}`, 'submit_verdicts');
    }
    if (m.status === 'pending') {
      throw new DomainError(
        'INVALID_STATE_TRANSITION',
        'Declare first that you have no conflict of interest: verdicts come after that',
        { extra: { state: m.status, action: 'submit_verdicts' } },
      );
    }
    if (!PANEL_MEMBER_MACHINE.can(m.status, 'submit'))
      throw DomainError.invalidTransition(m.status, 'submit_verdicts');
    return { acceptance, m };
  }
}

/** 422 unless every measured indicator has exactly one verdict; the indicator ids as stored. */
function assertCoverage(acceptance: AcceptanceEntity, dto: SubmitVerdictsDto): Map<string, string> {
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
  return new Map(indicators.map((i) => [i.indicatorId.toLowerCase(), i.indicatorId]));
}

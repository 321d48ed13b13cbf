import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../../../common/audit/audit.service';
import { Clock } from '../../../infra/clock/clock';
import { OutboxService } from '../../../infra/events/outbox.service';
import type { ChallengeEntity } from '../../call/challenges/entities/challenge.entity';
import { IntegrityRecordsRepository } from '../../platform/integrity-records/integrity-records.repository';
import { LedgerService } from '../payments/ledger.service';
import type { ProjectEntity } from '../projects/entities/project.entity';
import { ProjectLifecycleService } from '../projects/project-lifecycle.service';
import { eventData, ProjectContext } from './acceptance-context.service';
import { ACCEPTANCE_ACTIONS, ACCEPTANCE_ENTITY, ACCEPTANCE_EVENTS } from './acceptance.constants';
import { ACCEPTANCE_MACHINE, AcceptanceAction } from './acceptance.machine';
import type { AcceptanceEntity } from './entities/acceptance.entity';

/** A final outcome, applied to the project: by the decision, the conditions' confirmation or the job. */
export interface Finalization {
  final: 'passed' | 'failed';
  /** What the event reports: the decision's outcome, or the conditions' resolution. */
  outcome: 'passed' | 'passed_with_conditions' | 'failed';
  exemption: boolean;
  reason: string;
  conditionsResolution: 'met' | 'not_met' | 'expired' | null;
}

/**
 * A final outcome (docs/adr/0029): the acceptance passed or failed, the project accepted (the
 * ledger's final tranches approved) or failed (integrity records against the leader and the lead
 * organization unless the due-diligence exemption), and `acceptance.decided` published.
 */
@Injectable()
export class AcceptanceOutcomesService {
  constructor(
    private readonly integrity: IntegrityRecordsRepository,
    private readonly ledger: LedgerService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    private readonly projectLifecycle: ProjectLifecycleService,
  ) {}

  /** Applies a final outcome to the acceptance and the project, under both locks. */
  async finalize(
    em: EntityManager,
    actor: AuditActor,
    { project, acceptance }: { project: ProjectEntity; acceptance: AcceptanceEntity },
    context: ProjectContext,
    f: Finalization,
  ): Promise<void> {
    const now = this.clock.now();
    await this.closeAcceptance(em, acceptance, f, now);
    const projectBefore = project.status;
    await this.projectLifecycle.closeByAcceptance(em, project, f.final, now, f.reason);
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
    if (f.final === 'passed') await this.ledger.approveFinal(em, actor, project);
    else if (!acceptance.dueDiligenceExemption)
      await this.recordIntegrity(em, actor, project, acceptance, context, f, now);
    await this.publishDecided(em, project, context.challenge, acceptance, {
      outcome: f.outcome,
      exemption: acceptance.dueDiligenceExemption,
      conditionsResolution: f.conditionsResolution,
    });
  }

  async publishDecided(
    em: EntityManager,
    project: ProjectEntity,
    challenge: ChallengeEntity,
    acceptance: AcceptanceEntity,
    e: { outcome: string; exemption: boolean; conditionsResolution: string | null },
  ): Promise<void> {
    await this.outbox.publish(em, {
      type: ACCEPTANCE_EVENTS.decided,
      aggregateType: 'project',
      aggregateId: project.id,
      data: {
        ...eventData(project, challenge, acceptance),
        outcome: e.outcome,
        status: acceptance.status,
        exemption: e.exemption,
        conditionsDueAt: acceptance.conditionsDueAt?.toISOString() ?? null,
        conditionsResolution: e.conditionsResolution,
        projectStatus: project.status,
        trlVerdict: acceptance.trlVerdict,
        decidedAt: acceptance.decidedAt?.toISOString() ?? null,
      },
    });
  }

  // — helpers —

  private async closeAcceptance(
    em: EntityManager,
    acceptance: AcceptanceEntity,
    f: Finalization,
    now: Date,
  ): Promise<void> {
    acceptance.status = ACCEPTANCE_MACHINE.target(acceptance.status, finalAction(acceptance, f));
    acceptance.dueDiligenceExemption = f.final === 'failed' && f.exemption;
    if (f.conditionsResolution) {
      acceptance.conditionsResolution = f.conditionsResolution;
      acceptance.conditionsReason = f.reason;
      acceptance.conditionsResolvedAt = now;
    }
    acceptance.version += 1;
    acceptance.updatedAt = now;
    await em.save(acceptance);
  }

  /** Two integrity records (the leader, the lead organization), each audited. */
  private async recordIntegrity(
    em: EntityManager,
    actor: AuditActor,
    project: ProjectEntity,
    acceptance: AcceptanceEntity,
    context: ProjectContext,
    f: Finalization,
    now: Date,
  ): Promise<void> {
    const text =
      `项目验收不通过（未予尽职免责）：榜单 ${context.challenge.code}「${context.challenge.title}」，` +
      `验收 ${acceptance.id}，原因：${acceptance.decisionReason ?? f.reason}` +
      (f.conditionsResolution ? `；验收条件未满足：${f.reason}` : '');
    const source = { reason: text, sourceType: ACCEPTANCE_ENTITY, sourceId: acceptance.id, recordedAt: now };
    const records = await this.integrity.insert(em, [
      { subjectType: 'user', subjectId: context.leaderUserId, ...source },
      { subjectType: 'organization', subjectId: project.leadOrganizationId, ...source },
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
}

/** The acceptance's row for a final outcome: from `requested` the decision, from `conditional` the conditions. */
function finalAction(acceptance: AcceptanceEntity, f: Finalization): AcceptanceAction {
  if (ACCEPTANCE_MACHINE.can(acceptance.status, 'meet_conditions')) {
    return f.final === 'passed' ? 'meet_conditions' : 'miss_conditions';
  }
  return f.final === 'passed' ? 'pass' : 'fail';
}

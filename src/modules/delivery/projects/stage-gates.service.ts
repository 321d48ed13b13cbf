import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { Principal, requireUser } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import type { JsonObject } from '../../../common/json';
import { Clock } from '../../../infra/clock/clock';
import { OutboxService } from '../../../infra/events/outbox.service';
import { ChallengesRepository } from '../../call/challenges/challenges.repository';
import type { ChallengeEntity } from '../../call/challenges/entities/challenge.entity';
import { StageGateDto } from './dto/projects.dto';
import { StageGateEntity } from './entities/project-work.entity';
import type { ProjectEntity } from './entities/project.entity';
import { ASSESSED_MILESTONE_STATUSES } from './milestone-status';
import { PROJECT_AUDIT, PROJECT_EVENTS } from './project-events';
import { ProjectLifecycleService } from './project-lifecycle.service';
import { ProjectsRepository } from './projects.repository';
import { StageGateView, stageGateView } from './projects.views';

/**
 * Horse-race (赛马) stage gates (ADR 0027): after a milestone assessed on every active line of a
 * challenge, an admin continues or terminates each line, once per milestone position. Locks the
 * challenge row, then its projects.
 */
@Injectable()
export class StageGatesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly challenges: ChallengesRepository,
    private readonly projects: ProjectsRepository,
    private readonly lifecycle: ProjectLifecycleService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  async decide(actor: Principal, challengeId: string, dto: StageGateDto): Promise<StageGateView> {
    const user = requireUser(actor);
    return this.dataSource.transaction(async (em) => {
      const challenge = await this.lockHorseRace(em, challengeId);
      await this.assertNotHeld(em, challengeId, dto.milestonePosition);
      const active = (await this.projects.lockOfChallenge(em, challengeId)).filter(
        (p) => p.status === 'active',
      );
      assertEveryActiveLineDecided(active, dto);
      await this.assertAssessed(em, active, dto.milestonePosition);
      const decisions = await this.apply(em, actor, active, challengeId, dto);
      const gate = await em.save(
        em.create(StageGateEntity, {
          challengeId,
          milestonePosition: dto.milestonePosition,
          decisions,
          decidedBy: user.userId,
          decidedAt: this.clock.now(),
        }),
      );
      await this.record(em, actor, challenge, active, gate, dto);
      return stageGateView(gate);
    });
  }

  private async lockHorseRace(em: EntityManager, challengeId: string): Promise<ChallengeEntity> {
    const challenge = await this.challenges.findByIdForUpdate(em, challengeId);
    if (!challenge) throw DomainError.notFound('Challenge');
    if (challenge.selectionMode !== 'horse_race') {
      throw new DomainError(
        'BUSINESS_RULE_VIOLATION',
        'Stage gates are for horse-race (赛马) challenges only',
      );
    }
    return challenge;
  }

  private async assertNotHeld(em: EntityManager, challengeId: string, position: number): Promise<void> {
    const held = await this.projects.findStageGate(em, challengeId, position);
    if (!held) return;
    throw new DomainError(
      'INVALID_STATE_TRANSITION',
      `The stage gate after milestone ${position} of this challenge was already held`,
      { extra: { state: 'held', action: 'stage_gate', stageGateId: held.id } },
    );
  }

  private async assertAssessed(em: EntityManager, active: ProjectEntity[], position: number): Promise<void> {
    const milestones = await this.projects.milestonesAtPosition(
      em,
      active.map((p) => p.id),
      position,
    );
    const unassessed = active
      .filter((p) => {
        const m = milestones.find((x) => x.projectId === p.id);
        return !m || !ASSESSED_MILESTONE_STATUSES.includes(m.status);
      })
      .map((p) => p.id);
    if (unassessed.length) {
      throw new DomainError(
        'BUSINESS_RULE_VIOLATION',
        `Milestone ${position} is not assessed yet on every active line: assess it first`,
        { extra: { unassessedProjectIds: unassessed } },
      );
    }
  }

  /** Terminates the lines to terminate; the decisions as the gate records them. */
  private async apply(
    em: EntityManager,
    actor: Principal,
    active: ProjectEntity[],
    challengeId: string,
    dto: StageGateDto,
  ): Promise<JsonObject[]> {
    const decisions: JsonObject[] = [];
    for (const d of dto.decisions) {
      const reason = d.reason.trim();
      if (d.outcome !== 'terminate') {
        decisions.push({ projectId: d.projectId, outcome: d.outcome, reason });
        continue;
      }
      const project = active.find((p) => p.id === d.projectId) as ProjectEntity;
      const released = await this.lifecycle.terminateLocked(em, actor, project, reason, {
        challengeId,
        milestonePosition: dto.milestonePosition,
      });
      decisions.push({
        projectId: d.projectId,
        outcome: d.outcome,
        reason,
        releasedFiscalFen: released.fiscalFen,
        releasedIssuerFen: released.issuerFen,
      });
    }
    return decisions;
  }

  private async record(
    em: EntityManager,
    actor: Principal,
    challenge: ChallengeEntity,
    active: ProjectEntity[],
    gate: StageGateEntity,
    dto: StageGateDto,
  ): Promise<void> {
    await this.audit.record(em, {
      actor,
      action: PROJECT_AUDIT.stageGateDecided,
      objectType: 'challenge',
      objectId: challenge.id,
      before: { activeProjectIds: active.map((p) => p.id) },
      after: { stageGateId: gate.id, milestonePosition: dto.milestonePosition, decisions: gate.decisions },
    });
    await this.outbox.publish(em, {
      type: PROJECT_EVENTS.stageGateDecided,
      aggregateType: 'challenge',
      aggregateId: challenge.id,
      data: {
        challengeId: challenge.id,
        title: challenge.title,
        issuerOrganizationId: challenge.issuerOrganizationId,
        leadOrganizationIds: active.map((p) => p.leadOrganizationId),
        stageGateId: gate.id,
        milestonePosition: dto.milestonePosition,
        terminatedProjectIds: dto.decisions.filter((d) => d.outcome === 'terminate').map((d) => d.projectId),
      },
    });
  }
}

/** 422 unless every active line is decided exactly once, and nothing else. */
function assertEveryActiveLineDecided(active: ProjectEntity[], dto: StageGateDto): void {
  if (!active.length) {
    throw new DomainError('BUSINESS_RULE_VIOLATION', 'No line of this challenge is active: nothing to gate');
  }
  const decided = dto.decisions.map((d) => d.projectId);
  const missing = active.filter((p) => !decided.includes(p.id)).map((p) => p.id);
  const foreign = decided.filter((pid) => !active.some((p) => p.id === pid));
  if (missing.length || foreign.length || new Set(decided).size !== decided.length) {
    throw new DomainError(
      'BUSINESS_RULE_VIOLATION',
      'Decide every active line of the challenge exactly once (continue or terminate), and nothing else',
      { extra: { activeProjectIds: active.map((p) => p.id), missing, notActiveLines: foreign } },
    );
  }
}

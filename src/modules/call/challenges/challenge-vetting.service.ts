import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../../../common/auth/principal';
import { assertVersion } from '../../../common/concurrency/etag';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { CHALLENGE_EVENTS } from './challenge-events';
import { ChallengeLifecycle } from './challenge-lifecycle.service';
import { ChallengeOutbox } from './challenge-outbox';
import { ChallengeQueriesService } from './challenge-queries.service';
import { challengeCode, shanghaiYear } from './challenge-rules';
import { ChallengeSchedule } from './challenge-schedule';
import { assertTransition, ChallengeAction } from './challenge-status';
import { ChallengesRepository } from './challenges.repository';
import { ChallengeResponseDto } from './dto/challenge-response.dto';
import { ChallengeEntity } from './entities/challenge.entity';

/**
 * The admin's side of a challenge: vetting (approve with the next code of the year, or send back
 * with a reason) and cancelling before the award.
 */
@Injectable()
export class ChallengeVettingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly challenges: ChallengesRepository,
    private readonly lifecycle: ChallengeLifecycle,
    private readonly schedule: ChallengeSchedule,
    private readonly events: ChallengeOutbox,
    private readonly queries: ChallengeQueriesService,
    private readonly clock: Clock,
  ) {}

  /** Admin: publishes the challenge with the next code of the year and schedules its opening and closing. */
  async approve(
    actor: Principal,
    id: string,
    expectedVersion: number | undefined,
  ): Promise<ChallengeResponseDto> {
    await this.dataSource.transaction(async (em) => {
      const { challenge, now } = await this.lockAny(em, id, 'approve', expectedVersion);
      if (challenge.closesAt <= now) {
        throw new DomainError(
          'DEADLINE_PASSED',
          'closesAt has passed: reject the challenge so that the issuer can move the application window',
        );
      }
      const year = shanghaiYear(now);
      const code = challengeCode(year, await this.challenges.nextCodeNumber(em, year));
      await this.lifecycle.move(em, actor, challenge, 'approve', now, { code, publishedAt: now });
      await this.schedule.scheduleOpen(em, challenge);
      await this.schedule.scheduleClose(em, challenge);
      await this.events.publish(em, CHALLENGE_EVENTS.published, challenge);
    });
    return this.queries.get(actor, id);
  }

  async reject(
    actor: Principal,
    id: string,
    reason: string,
    expectedVersion: number | undefined,
  ): Promise<ChallengeResponseDto> {
    await this.dataSource.transaction(async (em) => {
      const { challenge, now } = await this.lockAny(em, id, 'reject', expectedVersion);
      await this.lifecycle.move(em, actor, challenge, 'reject', now, { statusReason: reason.trim() });
      await this.events.publish(em, CHALLENGE_EVENTS.rejected, challenge, { reason: reason.trim() });
    });
    return this.queries.get(actor, id);
  }

  async cancel(
    actor: Principal,
    id: string,
    reason: string,
    expectedVersion: number | undefined,
  ): Promise<ChallengeResponseDto> {
    await this.dataSource.transaction(async (em) => {
      const { challenge, now } = await this.lockAny(em, id, 'cancel', expectedVersion);
      await this.lifecycle.move(em, actor, challenge, 'cancel', now, { statusReason: reason.trim() });
      await this.schedule.cancelAll(em, id);
      await this.events.publish(em, CHALLENGE_EVENTS.cancelled, challenge, { reason: reason.trim() });
    });
    return this.queries.get(actor, id);
  }

  /** Locks any challenge (admin actions). */
  private async lockAny(
    em: EntityManager,
    id: string,
    action: ChallengeAction,
    expectedVersion: number | undefined,
  ): Promise<{ challenge: ChallengeEntity; now: Date }> {
    const challenge = await this.challenges.findByIdForUpdate(em, id);
    if (!challenge) throw DomainError.notFound('Challenge');
    const now = this.clock.now();
    assertVersion(challenge.version, expectedVersion);
    assertTransition(challenge, action, now);
    return { challenge, now };
  }
}

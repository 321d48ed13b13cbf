import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../../../common/audit/audit.service';
import { Clock } from '../../../infra/clock/clock';
import {
  AuditedChallengeAction,
  CHALLENGE_AUDIT,
  CHALLENGE_ENTITY,
  CHALLENGE_EVENTS,
} from './challenge-events';
import { challengeSnapshot } from './challenge.mappers';
import { ChallengeOutbox } from './challenge-outbox';
import { ChallengeAction, CHALLENGE_MACHINE, nextStatus } from './challenge-status';
import { ChallengesRepository } from './challenges.repository';
import { ChallengeEntity } from './entities/challenge.entity';

const SYSTEM: AuditActor = { kind: 'system' };

/**
 * Every status change of a challenge goes through here, its target taken from CHALLENGE_MACHINE:
 * the issuer's and the admin's actions (audited as `challenge.<action>`), the deadline jobs
 * (opening and closing on time), and the phases other modules drive inside their own transaction
 * (review, selection, award), which lock the row first and audit and publish their own events.
 */
@Injectable()
export class ChallengeLifecycle {
  constructor(
    private readonly challenges: ChallengesRepository,
    private readonly events: ChallengeOutbox,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Moves a locked challenge by `action` from its stored status (the caller has checked the
   * action against the status by the clock), bumps the version and audits `challenge.<action>`.
   */
  async move(
    em: EntityManager,
    actor: AuditActor,
    challenge: ChallengeEntity,
    action: AuditedChallengeAction,
    now: Date,
    extra: Partial<ChallengeEntity> = {},
  ): Promise<void> {
    const before = challengeSnapshot(challenge);
    const status = CHALLENGE_MACHINE.target(challenge.status, action);
    Object.assign(challenge, extra, { status, version: challenge.version + 1, updatedAt: now });
    await em.save(challenge);
    await this.audit.record(em, {
      actor,
      action: CHALLENGE_AUDIT[action],
      objectType: CHALLENGE_ENTITY,
      objectId: challenge.id,
      before,
      after: challengeSnapshot(challenge),
    });
  }

  /** Deadline job: `published` → `open` (a no-op in any other state). */
  async openByDeadline(em: EntityManager, id: string): Promise<void> {
    const challenge = await this.challenges.findByIdForUpdate(em, id);
    if (!challenge || !CHALLENGE_MACHINE.can(challenge.status, 'open')) return;
    await this.openNow(em, challenge, this.clock.now());
  }

  /**
   * Deadline job: `published`/`open` → `closed` (a no-op in any other state). A challenge still
   * `published` never had its open job run (it was late, e.g. Redis lost it): it is opened first,
   * with its `challenge.opened`, so integrators always see opened before closed, once each; the open
   * job, should it run later, finds the challenge closed and does nothing (docs/adr/0037).
   *
   * Both events record when the challenge opened and closed — opensAt and closesAt, or now if a job ran
   * early — not when a late job ran: so opened always sorts before closed (opensAt < closesAt), for
   * the relay (which takes events in occurredAt order) and for a receiver ordering by createdAt.
   */
  async closeByDeadline(em: EntityManager, id: string): Promise<void> {
    const challenge = await this.challenges.findByIdForUpdate(em, id);
    if (!challenge || !CHALLENGE_MACHINE.can(challenge.status, 'close')) return;
    const now = this.clock.now();
    if (CHALLENGE_MACHINE.can(challenge.status, 'open')) await this.openNow(em, challenge, now);
    await this.move(em, SYSTEM, challenge, 'close', now);
    await this.events.publish(
      em,
      CHALLENGE_EVENTS.closed,
      challenge,
      {},
      happenedAt(challenge.closesAt, now),
    );
  }

  /**
   * A reminder before closing (worker, in the deadline's transaction): tells the watchers and the
   * holders of draft applications, unless the challenge no longer takes applications.
   */
  async remindClosing(em: EntityManager, id: string, hoursBefore: number): Promise<void> {
    const challenge = await this.challenges.findByIdForUpdate(em, id);
    if (!challenge || !CHALLENGE_MACHINE.can(challenge.status, 'close')) return;
    await this.events.publish(em, CHALLENGE_EVENTS.closingSoon, challenge, { hoursBefore });
  }

  // — phases driven by review and selection (the caller holds the row FOR UPDATE) —

  /** The panel is drawn: `closed` → `under_review`. */
  startReview(em: EntityManager, challenge: ChallengeEntity, now: Date): Promise<void> {
    return this.moveLocked(em, challenge, 'start_review', now);
  }

  /** The winning application(s) are chosen: `under_review` → `publicity` (公示). */
  select(em: EntityManager, challenge: ChallengeEntity, now: Date): Promise<void> {
    return this.moveLocked(em, challenge, 'select', now);
  }

  /** An objection is upheld: `publicity` → `under_review`. */
  reopenSelection(em: EntityManager, challenge: ChallengeEntity, now: Date): Promise<void> {
    return this.moveLocked(em, challenge, 'reopen_selection', now);
  }

  /** The publicity period ended with no objection pending: `publicity` → `awarded`. */
  finalizeAward(em: EntityManager, challenge: ChallengeEntity, now: Date): Promise<void> {
    return this.moveLocked(em, challenge, 'finalize', now);
  }

  /** No application reached the pass line (流榜): `under_review` → `unsuccessful`, with the reason. */
  markUnsuccessful(em: EntityManager, challenge: ChallengeEntity, reason: string, now: Date): Promise<void> {
    challenge.statusReason = reason.trim();
    return this.moveLocked(em, challenge, 'mark_unsuccessful', now);
  }

  private async openNow(em: EntityManager, challenge: ChallengeEntity, now: Date): Promise<void> {
    await this.move(em, SYSTEM, challenge, 'open', now);
    await this.events.publish(em, CHALLENGE_EVENTS.opened, challenge, {}, happenedAt(challenge.opensAt, now));
  }

  /**
   * Checks `action` against the status by the clock (409, or 422 DEADLINE_PASSED), writes the
   * row's target with the version bumped; the caller audits and publishes its own events.
   */
  private async moveLocked(
    em: EntityManager,
    challenge: ChallengeEntity,
    action: ChallengeAction,
    now: Date,
  ): Promise<void> {
    challenge.status = nextStatus(challenge, action, now);
    challenge.version += 1;
    challenge.updatedAt = now;
    await this.challenges.saveStatus(em, challenge);
  }
}

/** When a deadline's change happened: at its due time, unless its job ran before it (then now). */
function happenedAt(due: Date, now: Date): Date {
  return due < now ? due : now;
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  ApplicationAction,
  assertApplicationTransition,
  transitionOf,
} from '../../call/applications/application-status';
import { ApplicationsRepository } from '../../call/applications/applications.repository';
import type { ApplicationEntity } from '../../call/applications/entities/application.entity';
import { assertTransition, ChallengeAction, transitionFor } from '../../call/challenges/challenge-status';
import type { ChallengeEntity } from '../../call/challenges/entities/challenge.entity';

/**
 * The only places selection changes rows of the call phase: a challenge's status and its
 * applications' statuses, each checked against the owner's transition table, whose row names the
 * target. To be replaced by the call modules' owner methods once they exist.
 */
@Injectable()
export class SelectionCallWrites {
  constructor(private readonly applications: ApplicationsRepository) {}

  /** The applications FOR UPDATE, in id order (the lock order of every writer of applications). */
  async lockApplications(em: EntityManager, ids: readonly string[]): Promise<ApplicationEntity[]> {
    const locked: ApplicationEntity[] = [];
    for (const id of [...ids].sort()) {
      const application = await this.applications.findByIdForUpdate(em, id);
      if (application) locked.push(application);
    }
    return locked;
  }

  /** Moves locked applications by `action` (select, not_select, deselect) and saves them. */
  async moveApplications(
    em: EntityManager,
    applications: ApplicationEntity[],
    action: ApplicationAction,
    now: Date,
  ): Promise<void> {
    const to = transitionOf(action).to;
    if (!to) throw new Error(`The application action ${action} names no target`);
    for (const application of applications) {
      assertApplicationTransition(application.status, action);
      application.status = to;
      application.version += 1;
      application.updatedAt = now;
    }
    await em.save(applications);
  }

  /** Moves the locked challenge by `action` (select, mark_unsuccessful, reopen_selection, finalize). */
  async moveChallenge(
    em: EntityManager,
    challenge: ChallengeEntity,
    action: ChallengeAction,
    now: Date,
  ): Promise<void> {
    assertTransition(challenge, action, now);
    const to = transitionFor(action).to;
    if (!to) throw new Error(`The challenge action ${action} names no target`);
    challenge.status = to;
    challenge.version += 1;
    challenge.updatedAt = now;
    await em.save(challenge);
  }
}

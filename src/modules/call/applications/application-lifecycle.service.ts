import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APPLICATION_MACHINE, ApplicationMachineAction } from './application-status';
import { ApplicationsRepository } from './applications.repository';
import type { ApplicationEntity } from './entities/application.entity';

/**
 * Every status change of an application takes its target from APPLICATION_MACHINE here: the applicant's and
 * the admin's actions in this module, and the phases review and selection drive inside their own
 * transaction (they lock the applications first, and audit and publish their own events).
 */
@Injectable()
export class ApplicationLifecycle {
  constructor(private readonly applications: ApplicationsRepository) {}

  /**
   * Moves an application by `action` (409 INVALID_STATE_TRANSITION when its status does not allow it),
   * bumping the version; the caller saves it.
   */
  move(application: ApplicationEntity, action: ApplicationMachineAction, now: Date): void {
    application.status = APPLICATION_MACHINE.target(application.status, action);
    application.version += 1;
    application.updatedAt = now;
  }

  // — phases driven by review and selection (the caller holds the applications FOR UPDATE) —

  /** The panel is drawn: eligible applications go to review (`eligible` → `under_review`). */
  startReview(em: EntityManager, applications: ApplicationEntity[], now: Date): Promise<void> {
    return this.moveAll(em, applications, 'start_review', now);
  }

  /** The panel closed and these applications reached the pass line (`under_review` → `shortlisted`). */
  shortlist(em: EntityManager, applications: ApplicationEntity[], now: Date): Promise<void> {
    return this.moveAll(em, applications, 'shortlist', now);
  }

  /** Selected for the award, publicity follows (`shortlisted` → `selected`). */
  select(em: EntityManager, applications: ApplicationEntity[], now: Date): Promise<void> {
    return this.moveAll(em, applications, 'select', now);
  }

  /** An objection was upheld: the selection is reopened (`selected` → `shortlisted`). */
  deselect(em: EntityManager, applications: ApplicationEntity[], now: Date): Promise<void> {
    return this.moveAll(em, applications, 'deselect', now);
  }

  /** The award went to other applications, or no application passed (`under_review`/`shortlisted` → `not_selected`). */
  markNotSelected(em: EntityManager, applications: ApplicationEntity[], now: Date): Promise<void> {
    return this.moveAll(em, applications, 'not_select', now);
  }

  /** The applications locked FOR UPDATE in id order (a fixed order: two transactions cannot deadlock). */
  lockByIds(em: EntityManager, ids: string[]): Promise<ApplicationEntity[]> {
    return this.applications.lockByIds(em, ids);
  }

  /**
   * A challenge's applications still in review (`under_review`, `shortlisted`, and `selected` too when
   * `withSelected`), locked FOR UPDATE in id order.
   */
  lockInReviewOfChallenge(
    em: EntityManager,
    challengeId: string,
    withSelected = false,
  ): Promise<ApplicationEntity[]> {
    const inReview = APPLICATION_MACHINE.sourcesOf('not_select');
    const statuses = withSelected ? [...inReview, ...APPLICATION_MACHINE.sourcesOf('deselect')] : inReview;
    return this.applications.lockOfChallengeIn(em, challengeId, statuses, 'id');
  }

  /** A challenge's eligible applications (the ones a panel reviews), locked FOR UPDATE in id order. */
  lockEligibleOfChallenge(em: EntityManager, challengeId: string): Promise<ApplicationEntity[]> {
    const eligible = APPLICATION_MACHINE.sourcesOf('start_review');
    return this.applications.lockOfChallengeIn(em, challengeId, eligible, 'submission');
  }

  private async moveAll(
    em: EntityManager,
    applications: ApplicationEntity[],
    action: ApplicationMachineAction,
    now: Date,
  ): Promise<void> {
    for (const application of applications) this.move(application, action, now);
    await em.save(applications);
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OnDeadline } from '../../../infra/scheduler/deadline-handler';
import type { DueDeadline } from '../../../infra/scheduler/deadline-handler';
import { hoursBefore } from '../../../infra/scheduler/reminders';
import { CHALLENGE_DEADLINES } from './challenge-events';
import { ChallengeLifecycle } from './challenge-lifecycle.service';

/** The worker's side of a challenge: it opens at opensAt and closes at closesAt, once each, reminding before. */
@Injectable()
export class ChallengeDeadlines {
  constructor(private readonly challenges: ChallengeLifecycle) {}

  @OnDeadline(CHALLENGE_DEADLINES.open)
  open(deadline: DueDeadline, em: EntityManager): Promise<void> {
    return this.challenges.openByDeadline(em, deadline.entityId);
  }

  @OnDeadline(CHALLENGE_DEADLINES.close)
  close(deadline: DueDeadline, em: EntityManager): Promise<void> {
    return this.challenges.closeByDeadline(em, deadline.entityId);
  }

  @OnDeadline(CHALLENGE_DEADLINES.closingReminder)
  closingReminder(deadline: DueDeadline, em: EntityManager): Promise<void> {
    return this.challenges.remindClosing(em, deadline.entityId, hoursBefore(deadline));
  }
}

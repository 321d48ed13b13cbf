import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DeadlineScheduler } from '../../../infra/scheduler/deadline.scheduler';
import { ProgramsService } from '../programs/programs.service';
import { CHALLENGE_DEADLINES, CHALLENGE_ENTITY } from './challenge-events';
import type { ChallengeEntity } from './entities/challenge.entity';

/** A challenge's deadlines: opening at opensAt, closing at closesAt, and reminders before closing. */
@Injectable()
export class ChallengeSchedule {
  constructor(
    private readonly scheduler: DeadlineScheduler,
    private readonly programs: ProgramsService,
  ) {}

  async scheduleOpen(em: EntityManager, challenge: ChallengeEntity): Promise<void> {
    await this.scheduler.schedule(em, deadlineOf(challenge, 'open'));
  }

  /** The close deadline and the reminders before it (moved together when closesAt moves). */
  async scheduleClose(em: EntityManager, challenge: ChallengeEntity): Promise<void> {
    await this.scheduler.schedule(em, deadlineOf(challenge, 'close'));
    const { settings } = await this.programs.requireById(em, challenge.programId);
    await this.scheduler.scheduleReminders(
      em,
      { ...deadlineOf(challenge, 'close'), kind: CHALLENGE_DEADLINES.closingReminder },
      settings.reminderOffsetsHours,
    );
  }

  async cancelAll(em: EntityManager, id: string): Promise<void> {
    await this.scheduler.cancel(em, CHALLENGE_ENTITY, id, CHALLENGE_DEADLINES.open);
    await this.scheduler.cancel(em, CHALLENGE_ENTITY, id, CHALLENGE_DEADLINES.close);
    await this.scheduler.cancelReminders(em, CHALLENGE_ENTITY, id, CHALLENGE_DEADLINES.closingReminder);
  }
}

function deadlineOf(challenge: ChallengeEntity, kind: 'open' | 'close') {
  return {
    entityType: CHALLENGE_ENTITY,
    entityId: challenge.id,
    kind: CHALLENGE_DEADLINES[kind],
    dueAt: kind === 'open' ? challenge.opensAt : challenge.closesAt,
  };
}

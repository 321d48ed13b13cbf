import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import type { AuditActor } from '../../../common/audit/audit.service';
import { InjectConfig } from '../../../infra/config/config';
import type { AppConfig } from '../../../infra/config/config';
import { Clock } from '../../../infra/clock/clock';
import type { NeedEntity } from './entities/need.entity';
import { NEED_AUDIT, NEED_ENTITY, NEED_EVENTS } from './need-events';
import { needSnapshot } from './need.mappers';
import { NeedMatching } from './need-matching';
import { NeedOutbox } from './need-outbox';
import { NeedSchedule } from './need-schedule';
import { NeedsRepository } from './needs.repository';
import { NEED_MACHINE, NeedAction } from './needs-status';

const SYSTEM: AuditActor = { kind: 'system' };
const DAY_MS = 86_400_000;

/** States a need leaves the expiry clock in: its deadlines are cancelled. */
const OFF_THE_CLOCK = new Set(['listed', 'matched', 'returned']);

/**
 * Every status change of a need: the transition table names the target, the row is saved with a
 * new version, the change is audited as `need.<action>`; expiry deadlines follow the status. The
 * worker's expiry and reminders come through here too.
 */
@Injectable()
export class NeedLifecycle {
  constructor(
    private readonly needs: NeedsRepository,
    private readonly schedule: NeedSchedule,
    private readonly events: NeedOutbox,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly matching: NeedMatching,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** expiresAt for a need filed or renewed at `now`. */
  expiryFrom(now: Date): Date {
    return new Date(now.getTime() + this.config.NEED_EXPIRY_DAYS * DAY_MS);
  }

  /** The audit record of a new need (`need.file`). */
  async recordFiling(em: EntityManager, actor: AuditActor, need: NeedEntity): Promise<void> {
    await this.audit.record(em, {
      actor,
      action: NEED_AUDIT.file,
      objectType: NEED_ENTITY,
      objectId: need.id,
      after: needSnapshot(need),
    });
  }

  async move(
    em: EntityManager,
    actor: AuditActor,
    need: NeedEntity,
    action: NeedAction,
    changes: Partial<NeedEntity> = {},
  ): Promise<NeedEntity> {
    const before = needSnapshot(need);
    const status = NEED_MACHINE.target(need.status, action, need.statusBeforeExpiry);
    Object.assign(need, changes, { status, version: need.version + 1, updatedAt: this.clock.now() });
    await this.needs.save(em, need);
    await this.matching.sync(em, need);
    if (OFF_THE_CLOCK.has(status)) await this.schedule.cancelExpiry(em, need.id);
    await this.audit.record(em, {
      actor,
      action: `need.${action}`,
      objectType: NEED_ENTITY,
      objectId: need.id,
      before,
      after: needSnapshot(need),
    });
    return need;
  }

  /** The expiry deadline: an open need expires (the status it had is kept for a renewal). */
  async expireByDeadline(em: EntityManager, id: string, dueAt: Date): Promise<void> {
    const need = await this.needs.findByIdForUpdate(em, id);
    if (!need || !NEED_MACHINE.can(need.status, 'expire')) return;
    if (need.expiresAt.getTime() !== dueAt.getTime()) return;
    await this.move(em, SYSTEM, need, 'expire', { statusBeforeExpiry: need.status });
    await this.events.publish(em, NEED_EVENTS.expired, need, {}, dueAt);
  }

  /** A reminder before expiry, for a need still open with that expiry. */
  async remindExpiry(em: EntityManager, id: string, hoursBefore: number): Promise<void> {
    const need = await this.needs.findById(id, em);
    if (!need || !NEED_MACHINE.can(need.status, 'expire')) return;
    await this.events.publish(em, NEED_EVENTS.expiringSoon, need, { hoursBefore });
  }
}

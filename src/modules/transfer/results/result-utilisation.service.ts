import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { Principal } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import type { AppConfig } from '../../../infra/config/config';
import { InjectConfig } from '../../../infra/config/config';
import { OutboxService } from '../../../infra/events/outbox.service';
import { DeadlineScheduler } from '../../../infra/scheduler/deadline.scheduler';
import { ProgramsService } from '../../call/programs/programs.service';
import { FileUtilisationDto } from './dto/result-input.dto';
import { UtilisationReportDto } from './dto/result-response.dto';
import { ResultUtilisationEntity } from './entities/result-utilisation.entity';
import type { ResultEntity } from './entities/result.entity';
import { canSee, isHolder, isVetter } from './results-access';
import {
  RESULT_ACTIONS,
  RESULT_EVENTS,
  UTILISATION_DEADLINES,
  UTILISATION_ENTITY,
  UTILISATION_WINDOW_DAYS,
} from './results.constants';
import { toUtilisationResponse } from './results.mappers';
import { ResultsRepository } from './results.repository';
import { UTILISATION_MACHINE } from './results-status';

const DAY_MS = 24 * 3_600_000;

/** The request of year `year` after `from`: the same calendar day and time, UTC. */
export function utilisationRequestAt(from: Date, year: number): Date {
  const at = new Date(from.getTime());
  at.setUTCFullYear(at.getUTCFullYear() + year);
  return at;
}

/**
 * Utilisation reports (docs/adr/0059): for a result of an accepted project, its holder is asked once
 * a year for RESULT_UTILISATION_YEARS years whether and how the result is used — one row and one
 * deadline per year, reminders before its due date, an overdue notice when it passes unfiled.
 */
@Injectable()
export class ResultUtilisationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly results: ResultsRepository,
    private readonly programs: ProgramsService,
    private readonly scheduler: DeadlineScheduler,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** The rows and deadlines of every year, in the drafting transaction. */
  async scheduleFor(em: EntityManager, result: ResultEntity, from: Date, programId: string): Promise<void> {
    const { settings } = await this.programs.requireById(em, programId);
    const now = this.clock.now();
    for (let year = 1; year <= this.config.RESULT_UTILISATION_YEARS; year++) {
      const requestAt = utilisationRequestAt(from, year);
      const dueAt = new Date(requestAt.getTime() + UTILISATION_WINDOW_DAYS * DAY_MS);
      const row = await em.save(
        em.create(ResultUtilisationEntity, {
          resultId: result.id,
          year,
          status: UTILISATION_MACHINE.initial('schedule'),
          requestAt,
          dueAt,
          used: null,
          kinds: null,
          description: null,
          revenueFen: null,
          reportedBy: null,
          reportedAt: null,
          version: 1,
          createdAt: now,
          updatedAt: now,
        }),
      );
      const entity = { entityType: UTILISATION_ENTITY, entityId: row.id };
      await this.scheduler.schedule(em, { ...entity, kind: UTILISATION_DEADLINES.request, dueAt: requestAt });
      await this.scheduler.schedule(em, { ...entity, kind: UTILISATION_DEADLINES.due, dueAt });
      await this.scheduler.scheduleReminders(
        em,
        { ...entity, kind: UTILISATION_DEADLINES.reminder, dueAt },
        settings.reminderOffsetsHours,
      );
    }
  }

  /** The yearly job: asks the holder (once; anything but a scheduled report is left alone). */
  async request(em: EntityManager, id: string): Promise<boolean> {
    const row = await this.results.lockUtilisation(em, id);
    if (!row || !UTILISATION_MACHINE.can(row.status, 'request')) return false;
    return this.moveBySystem(
      em,
      row,
      'request',
      RESULT_EVENTS.utilisationRequested,
      RESULT_ACTIONS.utilisationRequested,
    );
  }

  /** A reminder before the due date, while the report is asked for and not filed. */
  async remind(em: EntityManager, id: string, hoursBefore: number): Promise<boolean> {
    const row = await this.results.lockUtilisation(em, id);
    if (!row || row.status !== 'requested') return false;
    const result = await this.results.findById(row.resultId, em);
    if (!result) return false;
    await this.outbox.publish(em, {
      type: RESULT_EVENTS.utilisationDueSoon,
      aggregateType: 'result',
      aggregateId: result.id,
      data: { ...eventData(result, row), hoursBefore },
    });
    return true;
  }

  /** The due date passed unfiled: overdue, with a notice. */
  async expire(em: EntityManager, id: string): Promise<boolean> {
    const row = await this.results.lockUtilisation(em, id);
    if (!row || !UTILISATION_MACHINE.can(row.status, 'miss')) return false;
    if (this.clock.now().getTime() < row.dueAt.getTime()) return false;
    return this.moveBySystem(
      em,
      row,
      'miss',
      RESULT_EVENTS.utilisationOverdue,
      RESULT_ACTIONS.utilisationOverdue,
    );
  }

  async list(actor: Principal, resultId: string): Promise<UtilisationReportDto[]> {
    const result = await this.results.findById(resultId);
    if (!result || !canSee(actor, result)) throw DomainError.notFound('Result');
    if (!isHolder(actor, result) && !isVetter(actor))
      throw new DomainError('FORBIDDEN', 'Utilisation reports are for the holder, brokers and admins');
    return (await this.results.utilisationOf(resultId)).map(toUtilisationResponse);
  }

  /** The holder files the report of a year it was asked for (late is still accepted, and stays on record). */
  async file(
    actor: Principal,
    resultId: string,
    year: number,
    dto: FileUtilisationDto,
  ): Promise<UtilisationReportDto> {
    if (!dto.used && dto.kinds.some((k) => k !== 'not_used'))
      throw DomainError.validation([{ field: 'kinds', message: 'only not_used when used is false' }]);
    const row = await this.dataSource.transaction(async (em) => {
      const result = await this.results.findById(resultId, em);
      if (!result || !canSee(actor, result)) throw DomainError.notFound('Result');
      if (!isHolder(actor, result) || actor.kind !== 'user')
        throw new DomainError('FORBIDDEN', 'Only the holder organization files its utilisation reports');
      const report = await this.results.lockUtilisationOfYear(em, resultId, year);
      if (!report) throw DomainError.notFound('Utilisation report');
      if (!UTILISATION_MACHINE.can(report.status, 'report'))
        throw DomainError.invalidTransition(report.status, 'report');
      const before = report.status;
      const now = this.clock.now();
      Object.assign(report, {
        status: UTILISATION_MACHINE.target(report.status, 'report'),
        used: dto.used,
        kinds: [...new Set(dto.kinds)],
        description: dto.description.trim(),
        revenueFen: dto.revenueFen ?? null,
        reportedBy: actor.userId,
        reportedAt: now,
        version: report.version + 1,
        updatedAt: now,
      });
      await em.save(report);
      await this.scheduler.cancel(em, UTILISATION_ENTITY, report.id, UTILISATION_DEADLINES.due);
      await this.scheduler.cancelReminders(em, UTILISATION_ENTITY, report.id, UTILISATION_DEADLINES.reminder);
      await this.audit.record(em, {
        actor,
        action: RESULT_ACTIONS.utilisationReported,
        objectType: UTILISATION_ENTITY,
        objectId: report.id,
        before: { status: before },
        after: {
          status: report.status,
          year,
          used: dto.used,
          kinds: report.kinds,
          revenueFen: report.revenueFen,
        },
      });
      await this.outbox.publish(em, {
        type: RESULT_EVENTS.utilisationReported,
        aggregateType: 'result',
        aggregateId: result.id,
        data: { ...eventData(result, report), used: dto.used, kinds: report.kinds },
      });
      return report;
    });
    return toUtilisationResponse(row);
  }

  private async moveBySystem(
    em: EntityManager,
    row: ResultUtilisationEntity,
    action: 'request' | 'miss',
    event: string,
    audit: string,
  ): Promise<boolean> {
    const result = await this.results.findById(row.resultId, em);
    if (!result) return false;
    const before = row.status;
    row.status = UTILISATION_MACHINE.target(row.status, action);
    row.version += 1;
    row.updatedAt = this.clock.now();
    await em.save(row);
    await this.audit.record(em, {
      actor: { kind: 'system' },
      action: audit,
      objectType: UTILISATION_ENTITY,
      objectId: row.id,
      before: { status: before },
      after: { status: row.status, year: row.year },
    });
    await this.outbox.publish(em, {
      type: event,
      aggregateType: 'result',
      aggregateId: result.id,
      data: eventData(result, row),
    });
    return true;
  }
}

function eventData(result: ResultEntity, row: ResultUtilisationEntity) {
  return {
    resultId: result.id,
    title: result.title,
    organizationId: result.organizationId,
    projectId: result.projectId,
    utilisationReportId: row.id,
    year: row.year,
    status: row.status,
    dueAt: row.dueAt.toISOString(),
  };
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../../../common/audit/audit.service';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { OutboxService } from '../../../infra/events/outbox.service';
import { ProgramsService } from '../../call/programs/programs.service';
import { ProjectMilestoneEntity } from '../projects/entities/project-parts.entity';
import type { ProjectEntity } from '../projects/entities/project.entity';
import { LedgerEntryEntity, LedgerEntryKind } from './entities/ledger-entry.entity';
import { Payer, PAYERS, PaymentEntity, PaymentStatus } from './entities/payment.entity';
import { planTranches } from './tranche-plan';

/** The columns a status transition writes (no relations: QueryBuilder's set() stays shallow). */
type StatusColumns = Pick<PaymentEntity, 'status' | 'version' | 'updatedAt'> &
  Partial<
    Pick<PaymentEntity, 'approvedAt' | 'approvedBy' | 'paidAt' | 'paidBy' | 'cancelledAt' | 'cancelReason'>
  >;

export const PAYMENT_EVENTS = { paid: 'payment.paid' } as const;

/** The ledger's columns for an actor: who approved, paid or cancelled. */
function actorOf(actor: AuditActor): { actorType: string; actorId: string | null; userId: string | null } {
  switch (actor.kind) {
    case 'user':
      return { actorType: 'user', actorId: actor.userId, userId: actor.userId };
    case 'api_key':
      return { actorType: 'api_key', actorId: actor.apiKeyId, userId: null };
    case 'anonymous':
      return { actorType: 'anonymous', actorId: actor.userId ?? null, userId: null };
    case 'system':
      return { actorType: 'system', actorId: null, userId: null };
  }
}

/**
 * The money ledger's side of a project's life (ADR 0028). Every method runs inside the caller's
 * transaction with the project row locked FOR UPDATE (lock order: project, then its payments), and
 * every status change of a tranche writes its ledger entry and audit event in that transaction.
 */
@Injectable()
export class LedgerService {
  constructor(
    private readonly programs: ProgramsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  /**
   * At activation: plans every tranche of both payers (first, one per milestone, final) as
   * `scheduled`, then approves the first tranche of each payer (capped by firstTranchePercent).
   * A no-op when the project already has tranches.
   */
  async planOnActivation(em: EntityManager, actor: AuditActor, project: ProjectEntity): Promise<void> {
    if (project.status !== 'active') throw DomainError.invalidTransition(project.status, 'plan_payments');
    if (await em.exists(PaymentEntity, { where: { projectId: project.id } })) return;
    const { settings } = await this.programs.requireById(em, project.programId);
    const milestones = await em.find(ProjectMilestoneEntity, {
      where: { projectId: project.id },
      order: { position: 'ASC' },
    });
    const now = this.clock.now();
    const planned: Array<{ payer: Payer; sequence: number; kind: string; amountFen: number }> = [];
    for (const payer of PAYERS) {
      const plan = planTranches(budgetOf(project, payer), settings, milestones);
      for (const tranche of plan) {
        const payment = await em.save(
          em.create(PaymentEntity, {
            projectId: project.id,
            challengeId: project.challengeId,
            payer,
            kind: tranche.kind,
            milestoneId: tranche.milestoneId,
            sequence: tranche.sequence,
            amountFen: tranche.amountFen,
            status: 'scheduled',
            approvedAt: null,
            approvedBy: null,
            paidAt: null,
            paidBy: null,
            cancelledAt: null,
            cancelReason: null,
            version: 1,
            createdAt: now,
            updatedAt: now,
          }),
        );
        await this.entry(em, actor, payment, 'scheduled', 'planned at activation');
        planned.push({ payer, sequence: tranche.sequence, kind: tranche.kind, amountFen: tranche.amountFen });
      }
    }
    await this.audit.record(em, {
      actor,
      action: 'payments.planned',
      objectType: 'project',
      objectId: project.id,
      before: null,
      after: {
        fiscalFen: project.fiscalFen,
        issuerFen: project.issuerFen,
        firstTranchePercent: settings.firstTranchePercent,
        finalTranchePercent: settings.finalTranchePercent,
        tranches: planned,
      },
    });
    const firsts = await em.find(PaymentEntity, {
      where: { projectId: project.id, kind: 'first', status: 'scheduled' },
      order: { payer: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
    for (const payment of firsts) await this.approveLocked(em, actor, payment, 'first tranche at activation');
  }

  /**
   * At termination (by admin or a stage gate): cancels every unpaid tranche and records the
   * released amount (the payer's amount minus what was paid) against the list. Returns the amounts
   * released by this call per payer in fen (0 for a payer already released).
   */
  async cancelUnpaid(
    em: EntityManager,
    actor: AuditActor,
    project: ProjectEntity,
    reason: string,
  ): Promise<{ fiscalFen: number; issuerFen: number }> {
    const unpaid = await this.lockPayments(em, project.id, ['scheduled', 'approved']);
    for (const payment of unpaid) await this.transition(em, actor, payment, 'cancelled', reason);
    const released = { fiscalFen: 0, issuerFen: 0 };
    const now = this.clock.now();
    const who = actorOf(actor);
    for (const payer of PAYERS) {
      const already = await em.exists(LedgerEntryEntity, {
        where: { projectId: project.id, payer, kind: 'released' },
      });
      if (already) continue;
      const amount = budgetOf(project, payer) - (await this.paidSum(em, project.id, payer));
      if (amount <= 0) continue;
      await em.insert(LedgerEntryEntity, {
        paymentId: null,
        projectId: project.id,
        challengeId: project.challengeId,
        payer,
        kind: 'released',
        amountFen: amount,
        actorType: who.actorType,
        actorId: who.actorId,
        reason,
        occurredAt: now,
      });
      released[payer === 'fiscal' ? 'fiscalFen' : 'issuerFen'] = amount;
    }
    await this.audit.record(em, {
      actor,
      action: 'payments.released',
      objectType: 'project',
      objectId: project.id,
      before: null,
      after: { ...released, cancelledPaymentIds: unpaid.map((p) => p.id), reason },
    });
    return released;
  }

  /** Acceptance passed: approves the final tranche of each payer. */
  async approveFinal(em: EntityManager, actor: AuditActor, project: ProjectEntity): Promise<void> {
    if (project.status !== 'accepted') throw DomainError.invalidTransition(project.status, 'approve_final');
    const finals = (await this.lockPayments(em, project.id, ['scheduled'])).filter((p) => p.kind === 'final');
    for (const payment of finals) await this.approveLocked(em, actor, payment, 'acceptance passed');
  }

  /** scheduled → approved, with its entry and audit event; the caller checked the rules. */
  async approveLocked(
    em: EntityManager,
    actor: AuditActor,
    payment: PaymentEntity,
    reason: string | null = null,
  ): Promise<PaymentEntity> {
    return this.transition(em, actor, payment, 'approved', reason);
  }

  /** approved → paid, exactly once (guarded update), with its entry, audit and payment.paid event. */
  async payLocked(
    em: EntityManager,
    actor: AuditActor,
    project: ProjectEntity,
    payment: PaymentEntity,
  ): Promise<PaymentEntity> {
    const paid = await this.transition(em, actor, payment, 'paid', null);
    const milestone = paid.milestoneId
      ? await em.findOne(ProjectMilestoneEntity, { where: { id: paid.milestoneId } })
      : null;
    const [list] = await em.query<Array<{ title: string; code: string | null }>>(
      `SELECT title, code FROM challenges WHERE id = $1`,
      [project.challengeId],
    );
    await this.outbox.publish(em, {
      type: PAYMENT_EVENTS.paid,
      aggregateType: 'project',
      aggregateId: project.id,
      data: {
        paymentId: paid.id,
        projectId: project.id,
        challengeId: project.challengeId,
        code: list?.code ?? null,
        title: list?.title ?? '',
        issuerOrganizationId: project.issuerOrganizationId,
        leadOrganizationId: project.leadOrganizationId,
        payer: paid.payer,
        kind: paid.kind,
        sequence: paid.sequence,
        amountFen: paid.amountFen,
        milestonePosition: milestone?.position ?? null,
        paidAt: (paid.paidAt as Date).toISOString(),
      },
    });
    return paid;
  }

  /**
   * The one place a tranche's status changes: a conditional UPDATE guarded by the expected current
   * status (0 rows: someone else moved it first → 409), then its ledger entry and audit event.
   */
  private async transition(
    em: EntityManager,
    actor: AuditActor,
    payment: PaymentEntity,
    to: Exclude<PaymentStatus, 'scheduled'>,
    reason: string | null,
  ): Promise<PaymentEntity> {
    const from: PaymentStatus = payment.status;
    const now = this.clock.now();
    const who = actorOf(actor);
    const set: StatusColumns = { status: to, version: payment.version + 1, updatedAt: now };
    if (to === 'approved') Object.assign(set, { approvedAt: now, approvedBy: who.userId });
    if (to === 'paid') Object.assign(set, { paidAt: now, paidBy: who.userId });
    if (to === 'cancelled') Object.assign(set, { cancelledAt: now, cancelReason: reason });
    const result = await em
      .createQueryBuilder()
      .update(PaymentEntity)
      .set(set)
      .where('id = :id AND status = :from AND version = :version', {
        id: payment.id,
        from,
        version: payment.version,
      })
      .execute();
    if (!result.affected) throw DomainError.invalidTransition(from, to === 'paid' ? 'confirm' : to);
    Object.assign(payment, set);
    await this.entry(em, actor, payment, to, reason);
    await this.audit.record(em, {
      actor,
      action: `payment.${to}`,
      objectType: 'payment',
      objectId: payment.id,
      before: { status: from },
      after: {
        status: to,
        projectId: payment.projectId,
        payer: payment.payer,
        kind: payment.kind,
        sequence: payment.sequence,
        amountFen: payment.amountFen,
        ...(reason ? { reason } : {}),
      },
    });
    return payment;
  }

  private async entry(
    em: EntityManager,
    actor: AuditActor,
    payment: PaymentEntity,
    kind: LedgerEntryKind,
    reason: string | null,
  ): Promise<void> {
    const who = actorOf(actor);
    await em.insert(LedgerEntryEntity, {
      paymentId: payment.id,
      projectId: payment.projectId,
      challengeId: payment.challengeId,
      payer: payment.payer,
      kind,
      amountFen: payment.amountFen,
      actorType: who.actorType,
      actorId: who.actorId,
      reason,
      occurredAt: this.clock.now(),
    });
  }

  private lockPayments(
    em: EntityManager,
    projectId: string,
    statuses: PaymentStatus[],
  ): Promise<PaymentEntity[]> {
    return em
      .createQueryBuilder(PaymentEntity, 'p')
      .where('p.project_id = :projectId AND p.status IN (:...statuses)', { projectId, statuses })
      .orderBy('p.payer', 'ASC')
      .addOrderBy('p.sequence', 'ASC')
      .setLock('pessimistic_write')
      .getMany();
  }

  private async paidSum(em: EntityManager, projectId: string, payer: Payer): Promise<number> {
    const [row] = await em.query<Array<{ sum: string }>>(
      `SELECT COALESCE(SUM(amount_fen), 0)::text AS sum FROM payments
       WHERE project_id = $1 AND payer = $2 AND status = 'paid'`,
      [projectId, payer],
    );
    return Number(row.sum);
  }
}

export function budgetOf(project: Pick<ProjectEntity, 'fiscalFen' | 'issuerFen'>, payer: Payer): number {
  return payer === 'fiscal' ? project.fiscalFen : project.issuerFen;
}

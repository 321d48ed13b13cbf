import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '../../../common/audit/audit.service';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { OutboxService } from '../../../infra/events/outbox.service';
import { ChallengesRepository } from '../../call/challenges/challenges.repository';
import { ProgramsService } from '../../call/programs/programs.service';
import type { ProjectEntity } from '../projects/entities/project.entity';
import { ProjectLedger, ProjectLedgerHooks } from '../projects/project-ledger';
import { ProjectsRepository } from '../projects/projects.repository';
import type { LedgerEntryKind } from './entities/ledger-entry.entity';
import { Payer, PAYERS, PaymentEntity } from './entities/payment.entity';
import { PAYMENT_MACHINE, PaymentAction } from './payment-status';
import { PaymentsRepository, PaymentStatusColumns } from './payments.repository';
import { planTranches } from './tranche-plan';

export const PAYMENT_EVENTS = { paid: 'payment.paid' } as const;

/** The audit actions of the ledger. */
export const PAYMENT_AUDIT = {
  planned: 'payments.planned',
  released: 'payments.released',
  approved: 'payment.approved',
  paid: 'payment.paid',
  cancelled: 'payment.cancelled',
} as const;

type MovingAction = Exclude<PaymentAction, 'plan'>;

/** What each move writes besides the status, and its audit action. */
const MOVES: Record<
  MovingAction,
  {
    audit: string;
    stamp: (now: Date, userId: string | null, reason: string | null) => Partial<PaymentStatusColumns>;
  }
> = {
  approve: {
    audit: PAYMENT_AUDIT.approved,
    stamp: (now, userId) => ({ approvedAt: now, approvedBy: userId }),
  },
  confirm: { audit: PAYMENT_AUDIT.paid, stamp: (now, userId) => ({ paidAt: now, paidBy: userId }) },
  cancel: {
    audit: PAYMENT_AUDIT.cancelled,
    stamp: (now, _userId, reason) => ({ cancelledAt: now, cancelReason: reason }),
  },
};

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
 * It registers itself with the projects module's ProjectLedger, which calls it at activation and
 * termination (payments depends on projects, not the reverse).
 */
@Injectable()
export class LedgerService implements ProjectLedgerHooks, OnModuleInit {
  constructor(
    private readonly payments: PaymentsRepository,
    private readonly projects: ProjectsRepository,
    private readonly challenges: ChallengesRepository,
    private readonly projectLedger: ProjectLedger,
    private readonly programs: ProgramsService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.projectLedger.register(this);
  }

  /**
   * At activation: plans every tranche of both payers (first, one per milestone, final) as
   * `scheduled`, then approves the first tranche of each payer (capped by firstTranchePercent).
   * A no-op when the project already has tranches.
   */
  async planOnActivation(em: EntityManager, actor: AuditActor, project: ProjectEntity): Promise<void> {
    if (project.status !== 'active') throw DomainError.invalidTransition(project.status, 'plan_payments');
    if (await this.payments.hasPayments(em, project.id)) return;
    const { settings } = await this.programs.requireById(em, project.programId);
    const milestones = await this.projects.milestones(em, project.id);
    const planned: Array<{ payer: Payer; sequence: number; kind: string; amountFen: number }> = [];
    for (const payer of PAYERS) {
      for (const tranche of planTranches(budgetOf(project, payer), settings, milestones)) {
        await this.plan(em, actor, project, payer, tranche);
        planned.push({ payer, sequence: tranche.sequence, kind: tranche.kind, amountFen: tranche.amountFen });
      }
    }
    await this.audit.record(em, {
      actor,
      action: PAYMENT_AUDIT.planned,
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
    const firsts = (
      await this.payments.lockOfProject(em, project.id, PAYMENT_MACHINE.sourcesOf('approve'))
    ).filter((p) => p.kind === 'first');
    for (const payment of firsts) await this.approveLocked(em, actor, payment, 'first tranche at activation');
  }

  /**
   * At termination (by admin or a stage gate): cancels every unpaid tranche and records the
   * released amount (the payer's amount minus what was paid) against the challenge. Returns the amounts
   * released by this call per payer in fen (0 for a payer already released).
   */
  async cancelUnpaid(
    em: EntityManager,
    actor: AuditActor,
    project: ProjectEntity,
    reason: string,
  ): Promise<{ fiscalFen: number; issuerFen: number }> {
    const unpaid = await this.payments.lockOfProject(em, project.id, PAYMENT_MACHINE.sourcesOf('cancel'));
    for (const payment of unpaid) await this.move(em, actor, payment, 'cancel', reason);
    const released = { fiscalFen: 0, issuerFen: 0 };
    for (const payer of PAYERS) {
      released[payer === 'fiscal' ? 'fiscalFen' : 'issuerFen'] = await this.release(
        em,
        actor,
        project,
        payer,
        reason,
      );
    }
    await this.audit.record(em, {
      actor,
      action: PAYMENT_AUDIT.released,
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
    const finals = (await this.payments.lockOfProject(em, project.id, ['scheduled'])).filter(
      (p) => p.kind === 'final',
    );
    for (const payment of finals) await this.approveLocked(em, actor, payment, 'acceptance passed');
  }

  /** scheduled → approved, with its entry and audit event; the caller checked the rules. */
  async approveLocked(
    em: EntityManager,
    actor: AuditActor,
    payment: PaymentEntity,
    reason: string | null = null,
  ): Promise<PaymentEntity> {
    return this.move(em, actor, payment, 'approve', reason);
  }

  /** approved → paid, exactly once (guarded update), with its entry, audit and payment.paid event. */
  async payLocked(
    em: EntityManager,
    actor: AuditActor,
    project: ProjectEntity,
    payment: PaymentEntity,
  ): Promise<PaymentEntity> {
    const paid = await this.move(em, actor, payment, 'confirm', null);
    const milestone = paid.milestoneId ? await this.projects.findMilestone(em, paid.milestoneId) : null;
    const challenge = await this.challenges.findById(project.challengeId, em);
    await this.outbox.publish(em, {
      type: PAYMENT_EVENTS.paid,
      aggregateType: 'project',
      aggregateId: project.id,
      data: {
        paymentId: paid.id,
        projectId: project.id,
        challengeId: project.challengeId,
        code: challenge?.code ?? null,
        title: challenge?.title ?? '',
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

  /** One planned tranche, `scheduled`, with its entry. */
  private async plan(
    em: EntityManager,
    actor: AuditActor,
    project: ProjectEntity,
    payer: Payer,
    tranche: ReturnType<typeof planTranches>[number],
  ): Promise<void> {
    const now = this.clock.now();
    const payment = await em.save(
      em.create(PaymentEntity, {
        projectId: project.id,
        challengeId: project.challengeId,
        payer,
        kind: tranche.kind,
        milestoneId: tranche.milestoneId,
        sequence: tranche.sequence,
        amountFen: tranche.amountFen,
        status: PAYMENT_MACHINE.initial('plan'),
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
    await this.entry(em, actor, payment, payment.status, 'planned at activation');
  }

  /** The payer's amount not paid, released once against the challenge; 0 when nothing is left. */
  private async release(
    em: EntityManager,
    actor: AuditActor,
    project: ProjectEntity,
    payer: Payer,
    reason: string,
  ): Promise<number> {
    if (await this.payments.hasReleased(em, project.id, payer)) return 0;
    const amount = budgetOf(project, payer) - (await this.payments.paidSum(em, project.id, payer));
    if (amount <= 0) return 0;
    const who = actorOf(actor);
    await this.payments.insertEntry(em, {
      paymentId: null,
      projectId: project.id,
      challengeId: project.challengeId,
      payer,
      kind: 'released',
      amountFen: amount,
      actorType: who.actorType,
      actorId: who.actorId,
      reason,
      occurredAt: this.clock.now(),
    });
    return amount;
  }

  /**
   * The one place a tranche's status changes: a conditional UPDATE guarded by the expected current
   * status (0 rows: someone else moved it first → 409), then its ledger entry and audit event.
   */
  private async move(
    em: EntityManager,
    actor: AuditActor,
    payment: PaymentEntity,
    action: MovingAction,
    reason: string | null,
  ): Promise<PaymentEntity> {
    const from = payment.status;
    const to = PAYMENT_MACHINE.target(from, action);
    const now = this.clock.now();
    const set: PaymentStatusColumns = {
      status: to,
      version: payment.version + 1,
      updatedAt: now,
      ...MOVES[action].stamp(now, actorOf(actor).userId, reason),
    };
    if (!(await this.payments.moveIfUnchanged(em, payment, from, set)))
      throw DomainError.invalidTransition(from, action);
    Object.assign(payment, set);
    await this.entry(em, actor, payment, to, reason);
    await this.audit.record(em, {
      actor,
      action: MOVES[action].audit,
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
    await this.payments.insertEntry(em, {
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
}

export function budgetOf(project: Pick<ProjectEntity, 'fiscalFen' | 'issuerFen'>, payer: Payer): number {
  return payer === 'fiscal' ? project.fiscalFen : project.issuerFen;
}

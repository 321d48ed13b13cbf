import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { isAdmin, Principal } from '../../../common/auth/principal';
import { assertVersion } from '../../../common/concurrency/etag';
import { DomainError } from '../../../common/errors/domain-error';
import { paginate, PageQueryDto } from '../../../common/pagination/pagination';
import { ChallengesRepository } from '../../call/challenges/challenges.repository';
import { ProgramsService } from '../../call/programs/programs.service';
import type { ProjectEntity, ProjectStatus } from '../projects/entities/project.entity';
import { ProjectsRepository } from '../projects/projects.repository';
import {
  ChallengeLedgerDto,
  LedgerEntryDto,
  LedgerTotalsDto,
  PayerTotalsDto,
  PaymentDetailDto,
  PaymentDto,
  ProjectPaymentsDto,
} from './dto/payment.dto';
import type { LedgerEntryEntity } from './entities/ledger-entry.entity';
import { PAYERS, PaymentEntity } from './entities/payment.entity';
import { budgetOf, LedgerService } from './ledger.service';
import { PAYMENT_MACHINE } from './payment-status';
import { PaymentsRepository } from './payments.repository';

/** Projects whose tranches cannot move at all (409). */
const FROZEN: readonly ProjectStatus[] = ['pending_signature', 'suspended', 'terminated', 'failed'];

/**
 * The ledger over HTTP (ADR 0028): reads for the project's parties, approval and the paid
 * confirmation for admins. Writes lock the project row, then the payment row (always that order).
 */
@Injectable()
export class PaymentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly payments: PaymentsRepository,
    private readonly projects: ProjectsRepository,
    private readonly challenges: ChallengesRepository,
    private readonly ledger: LedgerService,
    private readonly programs: ProgramsService,
  ) {}

  async projectPayments(actor: Principal, projectId: string): Promise<ProjectPaymentsDto> {
    const em = this.dataSource.manager;
    const project = await this.visibleProject(em, actor, projectId);
    const payments = await this.payments.ofProject(em, projectId);
    const positions = await this.projects.milestonePositions(em, projectId);
    const released = await this.payments.releasedOfProject(em, projectId);
    const totals: PayerTotalsDto[] = PAYERS.map((payer) => {
      const mine = payments.filter((p) => p.payer === payer);
      const sum = (status: string) =>
        mine.filter((p) => p.status === status).reduce((a, p) => a + p.amountFen, 0);
      return {
        payer,
        budgetFen: budgetOf(project, payer),
        awaitingApprovalFen: sum('scheduled'),
        awaitingPaymentFen: sum('approved'),
        scheduledFen: sum('scheduled'),
        approvedFen: sum('approved'),
        paidFen: sum('paid'),
        cancelledFen: sum('cancelled'),
        releasedFen: released.filter((e) => e.payer === payer).reduce((a, e) => a + e.amountFen, 0),
      };
    });
    return {
      projectId: project.id,
      challengeId: project.challengeId,
      projectStatus: project.status,
      totals,
      items: payments.map((p) => paymentView(p, positions)),
    };
  }

  async getPayment(actor: Principal, id: string): Promise<PaymentDetailDto> {
    const em = this.dataSource.manager;
    const payment = await this.payments.findById(em, id);
    if (!payment) throw DomainError.notFound('Payment');
    await this.visibleProject(em, actor, payment.projectId, 'Payment');
    return this.detail(em, payment);
  }

  async challengeLedger(
    actor: Principal,
    challengeId: string,
    query: PageQueryDto,
  ): Promise<ChallengeLedgerDto> {
    const challenge = await this.challenges.findById(challengeId);
    if (!challenge || (!isAdmin(actor) && actor.organizationId !== challenge.issuerOrganizationId)) {
      throw DomainError.notFound('Challenge');
    }
    const sums = await this.payments.challengeSums(challengeId);
    const totals: LedgerTotalsDto[] = PAYERS.map((payer) => {
      const of = (kind: string) => Number(sums.find((s) => s.payer === payer && s.kind === kind)?.sum ?? 0);
      return {
        payer,
        cumulativeScheduledFen: of('scheduled'),
        cumulativeApprovedFen: of('approved'),
        scheduledFen: of('scheduled'),
        approvedFen: of('approved'),
        paidFen: of('paid'),
        cancelledFen: of('cancelled'),
        releasedFen: of('released'),
      };
    });
    const qb = this.payments.challengeEntriesQuery(challengeId);
    const page = await paginate(
      qb,
      [{ expression: 'e.id', value: (e) => e.id, cast: 'bigint' }],
      query,
      'ASC',
    );
    return { challengeId, totals, items: page.items.map(entryView), nextCursor: page.nextCursor };
  }

  /**
   * scheduled → approved (admin). A milestone tranche needs its milestone passed (or passed with
   * conditions when the program says so) and no earlier milestone failed; the final tranche needs
   * the project accepted (422 otherwise). Nothing moves while the project is suspended or closed (409).
   */
  async approve(actor: Principal, id: string, expectedVersion?: number): Promise<PaymentDto> {
    return this.dataSource.transaction(async (em) => {
      const { project, payment } = await this.lock(em, id);
      assertVersion(payment.version, expectedVersion);
      PAYMENT_MACHINE.assert(payment.status, 'approve');
      if (FROZEN.includes(project.status)) {
        throw DomainError.invalidTransition(`project ${project.status}`, 'approve a tranche');
      }
      await this.requireReleasable(em, project, payment);
      await this.ledger.approveLocked(em, actor, payment);
      return paymentView(payment, await this.projects.milestonePositions(em, project.id));
    });
  }

  /**
   * approved → paid (admin), exactly once: the project and payment rows are locked and the update
   * is guarded by `status = 'approved'`; a second confirmation answers 409. Paying a tranche still
   * scheduled whose milestone has not passed (or a final one before acceptance) answers 422 with
   * the reason, like its approval would.
   */
  async confirm(actor: Principal, id: string, expectedVersion?: number): Promise<PaymentDto> {
    return this.dataSource.transaction(async (em) => {
      const { project, payment } = await this.lock(em, id);
      assertVersion(payment.version, expectedVersion);
      if (payment.status === 'scheduled') await this.requireReleasable(em, project, payment);
      PAYMENT_MACHINE.assert(payment.status, 'confirm');
      if (FROZEN.includes(project.status)) {
        throw DomainError.invalidTransition(`project ${project.status}`, 'confirm a payment');
      }
      await this.ledger.payLocked(em, actor, project, payment);
      return paymentView(payment, await this.projects.milestonePositions(em, project.id));
    });
  }

  /** 422 unless the tranche may be released now: its milestone passed, or the project accepted. */
  private async requireReleasable(em: EntityManager, project: ProjectEntity, payment: PaymentEntity) {
    if (payment.kind === 'final' && project.status !== 'accepted') {
      throw new DomainError(
        'BUSINESS_RULE_VIOLATION',
        `The final tranche is released only after acceptance; the project is ${project.status}`,
        { extra: { projectStatus: project.status } },
      );
    }
    if (payment.kind === 'milestone') await this.requireMilestonePassed(em, project, payment);
  }

  private async requireMilestonePassed(
    em: EntityManager,
    project: ProjectEntity,
    payment: PaymentEntity,
  ): Promise<void> {
    const milestones = await this.projects.milestones(em, project.id);
    const milestone = milestones.find((m) => m.id === payment.milestoneId);
    if (!milestone) throw new Error(`Milestone ${payment.milestoneId} of payment ${payment.id} is missing`);
    const failed = milestones.find((m) => m.position < milestone.position && m.status === 'failed');
    if (failed) {
      throw new DomainError(
        'BUSINESS_RULE_VIOLATION',
        `The milestone at position ${failed.position} failed: the tranches of later milestones are blocked`,
        { extra: { failedMilestonePosition: failed.position, milestonePosition: milestone.position } },
      );
    }
    const { settings } = await this.programs.requireById(em, project.programId);
    const passed =
      milestone.status === 'passed' ||
      (milestone.status === 'conditionally_passed' && settings.conditionalPassReleasesTranche);
    if (!passed) {
      throw new DomainError(
        'BUSINESS_RULE_VIOLATION',
        `The milestone at position ${milestone.position} is ${milestone.status}: its tranche is released only once it passed` +
          (settings.conditionalPassReleasesTranche ? ' (or passed with conditions)' : ''),
        { extra: { milestonePosition: milestone.position, milestoneStatus: milestone.status } },
      );
    }
  }

  /** The project row, then the payment row, FOR UPDATE (the lock order of every ledger write). */
  private async lock(
    em: EntityManager,
    id: string,
  ): Promise<{ project: ProjectEntity; payment: PaymentEntity }> {
    const found = await this.payments.findById(em, id);
    if (!found) throw DomainError.notFound('Payment');
    const project = await this.projects.lockById(em, found.projectId);
    const payment = await this.payments.lockById(em, id);
    if (!project || !payment) throw DomainError.notFound('Payment');
    return { project, payment };
  }

  /**
   * The project when the caller may see it: admins, and users of its issuer organization, its lead
   * organization or an organization of its team's consortium; 404 for everyone else.
   */
  private async visibleProject(
    em: EntityManager,
    actor: Principal,
    projectId: string,
    what = 'Project',
  ): Promise<ProjectEntity> {
    const project = await this.projects.findById(em, projectId);
    if (!project || !(await this.projects.isVisibleTo(em, actor, project))) throw DomainError.notFound(what);
    return project;
  }

  private async detail(em: EntityManager, payment: PaymentEntity): Promise<PaymentDetailDto> {
    const entries = await this.payments.entriesOfPayment(em, payment.id);
    return {
      ...paymentView(payment, await this.projects.milestonePositions(em, payment.projectId)),
      entries: entries.map(entryView),
    };
  }
}

export function paymentView(p: PaymentEntity, positions: Map<string, number>): PaymentDto {
  return {
    id: p.id,
    projectId: p.projectId,
    challengeId: p.challengeId,
    payer: p.payer,
    kind: p.kind,
    milestoneId: p.milestoneId,
    milestonePosition: p.milestoneId ? (positions.get(p.milestoneId) ?? null) : null,
    sequence: p.sequence,
    amountFen: p.amountFen,
    status: p.status,
    approvedAt: p.approvedAt?.toISOString() ?? null,
    approvedBy: p.approvedBy,
    paidAt: p.paidAt?.toISOString() ?? null,
    paidBy: p.paidBy,
    cancelledAt: p.cancelledAt?.toISOString() ?? null,
    cancelReason: p.cancelReason,
    version: p.version,
  };
}

export function entryView(e: LedgerEntryEntity): LedgerEntryDto {
  return {
    id: String(e.id),
    paymentId: e.paymentId,
    projectId: e.projectId,
    challengeId: e.challengeId,
    payer: e.payer,
    kind: e.kind,
    amountFen: e.amountFen,
    actorType: e.actorType,
    actorId: e.actorId,
    reason: e.reason,
    occurredAt: e.occurredAt.toISOString(),
  };
}

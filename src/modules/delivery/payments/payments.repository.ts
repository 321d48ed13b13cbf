import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { LedgerEntryEntity } from './entities/ledger-entry.entity';
import { Payer, PaymentEntity, PaymentStatus } from './entities/payment.entity';

/** The columns a status transition writes (no relations: QueryBuilder's set() stays shallow). */
export type PaymentStatusColumns = Pick<PaymentEntity, 'status' | 'version' | 'updatedAt'> &
  Partial<
    Pick<PaymentEntity, 'approvedAt' | 'approvedBy' | 'paidAt' | 'paidBy' | 'cancelledAt' | 'cancelReason'>
  >;

/** A project's tranches and the append-only ledger entries of a challenge (ADR 0028). */
@Injectable()
export class PaymentsRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(em: EntityManager, id: string): Promise<PaymentEntity | null> {
    return em.findOne(PaymentEntity, { where: { id } });
  }

  lockById(em: EntityManager, id: string): Promise<PaymentEntity | null> {
    return em.findOne(PaymentEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  hasPayments(em: EntityManager, projectId: string): Promise<boolean> {
    return em.exists(PaymentEntity, { where: { projectId } });
  }

  ofProject(em: EntityManager, projectId: string): Promise<PaymentEntity[]> {
    return em.find(PaymentEntity, { where: { projectId }, order: { payer: 'ASC', sequence: 'ASC' } });
  }

  /** A project's tranches in the given statuses FOR UPDATE, by payer and sequence. */
  lockOfProject(
    em: EntityManager,
    projectId: string,
    statuses: readonly PaymentStatus[],
  ): Promise<PaymentEntity[]> {
    return em
      .createQueryBuilder(PaymentEntity, 'p')
      .where('p.project_id = :projectId AND p.status IN (:...statuses)', { projectId, statuses })
      .orderBy('p.payer', 'ASC')
      .addOrderBy('p.sequence', 'ASC')
      .setLock('pessimistic_write')
      .getMany();
  }

  /**
   * Moves a tranche only if it is still in `from` at `version` (someone else moved it first:
   * false). The status written comes from PAYMENT_MACHINE.
   */
  async moveIfUnchanged(
    em: EntityManager,
    payment: PaymentEntity,
    from: PaymentStatus,
    set: PaymentStatusColumns,
  ): Promise<boolean> {
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
    return !!result.affected;
  }

  async paidSum(em: EntityManager, projectId: string, payer: Payer): Promise<number> {
    const [row] = await em.query<Array<{ sum: string }>>(
      `SELECT COALESCE(SUM(amount_fen), 0)::text AS sum FROM payments
       WHERE project_id = $1 AND payer = $2 AND status = 'paid'`,
      [projectId, payer],
    );
    return Number(row.sum);
  }

  // — ledger entries —

  insertEntry(em: EntityManager, entry: Omit<LedgerEntryEntity, 'id' | 'payment' | 'project' | 'challenge'>) {
    return em.insert(LedgerEntryEntity, entry);
  }

  hasReleased(em: EntityManager, projectId: string, payer: Payer): Promise<boolean> {
    return em.exists(LedgerEntryEntity, { where: { projectId, payer, kind: 'released' } });
  }

  releasedOfProject(em: EntityManager, projectId: string): Promise<LedgerEntryEntity[]> {
    return em.find(LedgerEntryEntity, { where: { projectId, kind: 'released' } });
  }

  entriesOfPayment(em: EntityManager, paymentId: string): Promise<LedgerEntryEntity[]> {
    return em.find(LedgerEntryEntity, { where: { paymentId }, order: { id: 'ASC' } });
  }

  /** The sums of a challenge's ledger entries per payer and kind. */
  challengeSums(challengeId: string): Promise<Array<{ payer: string; kind: string; sum: string }>> {
    return this.dataSource.manager.query(
      `SELECT payer, kind, SUM(amount_fen)::text AS sum FROM ledger_entries
       WHERE challenge_id = $1 GROUP BY payer, kind`,
      [challengeId],
    );
  }

  challengeEntriesQuery(challengeId: string): SelectQueryBuilder<LedgerEntryEntity> {
    return this.dataSource.manager
      .createQueryBuilder(LedgerEntryEntity, 'e')
      .where('e.challenge_id = :challengeId', { challengeId });
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuditActor } from '../../common/audit/audit.service';
import type { ProjectEntity } from '../projects/entities/project.entity';

/**
 * The money ledger's side of a project's life, called inside the caller's transaction with the
 * project row locked FOR UPDATE (ADR 0028). STUB: the payments helper implements it.
 */
@Injectable()
export class LedgerService {
  /**
   * At activation: plans every tranche of both payers (first, one per milestone, final) as
   * `scheduled`, then approves the first tranche of each payer (capped by firstTranchePercent).
   */
  async planOnActivation(_em: EntityManager, _actor: AuditActor, _project: ProjectEntity): Promise<void> {
    throw new Error('not implemented');
  }

  /**
   * At termination (by admin or a stage gate): cancels every unpaid tranche and records the
   * released fiscal amount against the list. Returns the released amounts per payer in fen.
   */
  async cancelUnpaid(
    _em: EntityManager,
    _actor: AuditActor,
    _project: ProjectEntity,
    _reason: string,
  ): Promise<{ fiscalFen: number; issuerFen: number }> {
    throw new Error('not implemented');
  }

  /** Acceptance passed: approves the final tranche of each payer. */
  async approveFinal(_em: EntityManager, _actor: AuditActor, _project: ProjectEntity): Promise<void> {
    throw new Error('not implemented');
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuditActor } from '../../../common/audit/audit.service';
import type { ProjectEntity } from './entities/project.entity';

/** The money ledger's part in a project's life, as the projects module needs it. */
export interface ProjectLedgerHooks {
  /** At activation, in its transaction: plans the tranches and approves the first ones. */
  planOnActivation(em: EntityManager, actor: AuditActor, project: ProjectEntity): Promise<void>;
  /** At termination, in its transaction: cancels the unpaid tranches; the amounts released per payer. */
  cancelUnpaid(
    em: EntityManager,
    actor: AuditActor,
    project: ProjectEntity,
    reason: string,
  ): Promise<{ fiscalFen: number; issuerFen: number }>;
}

/**
 * Where the projects module reaches the ledger without depending on it (ADR 0028): payments depends
 * on projects (its tranches belong to a project, its reads go through ProjectsRepository), so the
 * ledger registers itself here when the application starts, and activation and termination call it
 * inside their own transaction, as before.
 */
@Injectable()
export class ProjectLedger implements ProjectLedgerHooks {
  private hooks: ProjectLedgerHooks | null = null;

  register(hooks: ProjectLedgerHooks): void {
    this.hooks = hooks;
  }

  planOnActivation(em: EntityManager, actor: AuditActor, project: ProjectEntity): Promise<void> {
    return this.required().planOnActivation(em, actor, project);
  }

  cancelUnpaid(
    em: EntityManager,
    actor: AuditActor,
    project: ProjectEntity,
    reason: string,
  ): Promise<{ fiscalFen: number; issuerFen: number }> {
    return this.required().cancelUnpaid(em, actor, project, reason);
  }

  private required(): ProjectLedgerHooks {
    if (!this.hooks) throw new Error('No ledger registered: import PaymentsModule with ProjectsModule');
    return this.hooks;
  }
}

import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import type { Principal } from '../../../common/auth/principal';
import { JsonObject } from '../../../common/json';
import { OutboxService } from '../../../infra/events/outbox.service';
import { CONTRACT_ENTITY, contractSnapshot } from './contract.mappers';
import { TechnologyContractEntity } from './entities/technology-contract.entity';

/** The outbox events of contracts (webhook catalogue, notification rules). */
export const CONTRACT_EVENTS = {
  submitted: 'contract.submitted',
  registered: 'contract.registered',
  returned: 'contract.returned',
} as const;

/** The audit actions of contracts: the events' names, and the changes that publish no event. */
export const CONTRACT_AUDIT = {
  created: 'contract.created',
  updated: 'contract.updated',
  withdrawn: 'contract.withdrawn',
  ...CONTRACT_EVENTS,
} as const;
export type ContractAuditAction = (typeof CONTRACT_AUDIT)[keyof typeof CONTRACT_AUDIT];

const PUBLISHED: ReadonlySet<string> = new Set(Object.values(CONTRACT_EVENTS));

/**
 * The audit row (before and after) of a change and, for submitted / registered / returned, its
 * outbox event, in the change's transaction. The event carries the parties' organization ids (the
 * notification rules and the webhook audience need them) but no person and no broker.
 */
@Injectable()
export class ContractRecorder {
  constructor(
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  async record(
    em: EntityManager,
    actor: Principal,
    action: ContractAuditAction,
    contract: TechnologyContractEntity,
    attachmentIds: string[],
    before: JsonObject | null,
  ): Promise<void> {
    await this.audit.record(em, {
      actor,
      action,
      objectType: CONTRACT_ENTITY,
      objectId: contract.id,
      before,
      after: contractSnapshot(contract, attachmentIds),
    });
    if (!PUBLISHED.has(action)) return;
    await this.outbox.publish(em, {
      type: action,
      aggregateType: CONTRACT_ENTITY,
      aggregateId: contract.id,
      data: {
        contractId: contract.id,
        title: contract.title,
        type: contract.type,
        status: contract.status,
        registrationNumber: contract.registrationNumber,
        sellerOrganizationId: contract.sellerOrganizationId,
        buyerOrganizationId: contract.buyerOrganizationId,
        filedByOrganizationId: contract.filedByOrganizationId,
        contractAmountFen: contract.contractAmountFen,
        technologyTransactionAmountFen: contract.technologyTransactionAmountFen,
        signedOn: contract.signedOn,
        regionCode: contract.regionCode,
        industryChain: contract.industryChainCode,
        resultId: contract.resultId,
        registeredAt: contract.registeredAt?.toISOString() ?? null,
        reason: contract.returnReason,
      },
    });
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Principal, requireUser } from '../../../common/auth/principal';
import { assertVersion } from '../../../common/concurrency/etag';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { isRegistrar } from './contract-access';
import { CONTRACT_AUDIT, ContractRecorder } from './contract-events';
import { beijingYear, registrationNumber } from './contract-rules';
import { CONTRACT_MACHINE, ContractAction } from './contract-status';
import { contractSnapshot, toContractResponse } from './contract.mappers';
import { ContractsRepository } from './contracts.repository';
import { ContractResponseDto } from './dto/contract-response.dto';
import { TechnologyContractEntity } from './entities/technology-contract.entity';

/**
 * The registrar's side (技术合同登记): register a submitted contract with the next number of its
 * region and year, or return it with a reason. The number comes from the (region, year) counter row,
 * locked by the registering transaction: concurrent registrations queue on it, and a registration
 * that rolls back gives its number back (docs/adr/0061).
 */
@Injectable()
export class ContractRegistrationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contracts: ContractsRepository,
    private readonly recorder: ContractRecorder,
    private readonly clock: Clock,
  ) {}

  register(actor: Principal, id: string, expectedVersion: number | undefined): Promise<ContractResponseDto> {
    const user = requireUser(actor);
    return this.decide(actor, id, 'register', expectedVersion, async (em, contract, now) => {
      const n = await this.contracts.nextRegistrationNumber(em, contract.regionCode, beijingYear(now));
      contract.registrationNumber = registrationNumber(contract.regionCode, beijingYear(now), n);
      contract.registeredAt = now;
      contract.registeredBy = user.userId;
    });
  }

  return(
    actor: Principal,
    id: string,
    reason: string,
    expectedVersion: number | undefined,
  ): Promise<ContractResponseDto> {
    return this.decide(actor, id, 'return', expectedVersion, (_em, contract) => {
      contract.returnReason = reason.trim();
      return Promise.resolve();
    });
  }

  private async decide(
    actor: Principal,
    id: string,
    action: Extract<ContractAction, 'register' | 'return'>,
    expectedVersion: number | undefined,
    apply: (em: EntityManager, contract: TechnologyContractEntity, now: Date) => Promise<void>,
  ): Promise<ContractResponseDto> {
    // The route admits registrars and admins only; a contract still in draft is not theirs to see.
    if (!isRegistrar(actor))
      throw new DomainError('FORBIDDEN', 'Only a registrar registers or returns contracts');
    const saved = await this.dataSource.transaction(async (em) => {
      const contract = await this.contracts.findByIdForUpdate(em, id);
      if (!contract || contract.status === 'draft') throw DomainError.notFound('Contract');
      assertVersion(contract.version, expectedVersion);
      const status = CONTRACT_MACHINE.target(contract.status, action);
      const attachmentIds = await this.contracts.attachmentIdsOf(id, em);
      const before = contractSnapshot(contract, attachmentIds);
      const now = this.clock.now();
      await apply(em, contract, now);
      contract.status = status;
      contract.version += 1;
      contract.updatedAt = now;
      await em.save(contract);
      await this.recorder.record(
        em,
        actor,
        action === 'register' ? CONTRACT_AUDIT.registered : CONTRACT_AUDIT.returned,
        contract,
        attachmentIds,
        before,
      );
      return { contract, attachmentIds };
    });
    return toContractResponse(saved.contract, saved.attachmentIds);
  }
}

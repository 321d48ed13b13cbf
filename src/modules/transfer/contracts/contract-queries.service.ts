import { Injectable } from '@nestjs/common';
import { Principal } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import { Page } from '../../../common/pagination/pagination';
import { ReadReplicas } from '../../../infra/database/read-replicas';
import { isRegistrar, standingOf } from './contract-access';
import { toContractResponse, toPublicContract } from './contract.mappers';
import { ContractListScope, ContractsRepository } from './contracts.repository';
import { ListContractsQueryDto, PublicContractsQueryDto } from './dto/contract-input.dto';
import {
  ContractBrokerStatsDto,
  ContractResponseDto,
  ContractStatsDto,
  PublicContractDto,
} from './dto/contract-response.dto';
import { TechnologyContractEntity } from './entities/technology-contract.entity';

/** Reads of contract records: the parties' and registrars' views, the public list and the figures. */
@Injectable()
export class ContractQueriesService {
  constructor(
    private readonly contracts: ContractsRepository,
    private readonly replicas: ReadReplicas,
  ) {}

  /** Parties always; registrars and admins once filed; anyone else 404. */
  async get(actor: Principal, id: string): Promise<ContractResponseDto> {
    const contract = await this.contracts.findById(id);
    if (!contract || standingOf(actor, contract) === 'none') throw DomainError.notFound('Contract');
    return toContractResponse(contract, await this.contracts.attachmentIdsOf(id));
  }

  /** Registrars and admins: every filed contract; anyone else: its organization's, drafts included. */
  async list(actor: Principal, query: ListContractsQueryDto): Promise<Page<ContractResponseDto>> {
    let scope: ContractListScope;
    if (isRegistrar(actor)) scope = { filed: true };
    else if (actor.kind === 'user') scope = { organizationId: actor.organizationId };
    else throw new DomainError('FORBIDDEN', 'This operation needs a signed-in user');
    const page = await this.contracts.list(scope, query);
    const items = await Promise.all(
      page.items.map(async (c) => toContractResponse(c, await this.contracts.attachmentIdsOf(c.id))),
    );
    return { items, nextCursor: page.nextCursor };
  }

  /** The public list of registered contracts (no broker, no person; no parties when confidential). */
  async listRegistered(query: PublicContractsQueryDto): Promise<Page<PublicContractDto>> {
    // The public register may come from a read replica within its bound (ADR 0065).
    return this.publicPage(
      await this.replicas.read((source) => this.contracts.listRegistered(query, source)),
    );
  }

  /**
   * A published result's transfers (GET /results/{id}/transfers): the registered contracts that name
   * it, most recent first, in their public form; 404 when the result is not in the public library.
   */
  async transfersOfResult(
    resultId: string,
    page: { limit?: number; cursor?: string } = {},
  ): Promise<Page<PublicContractDto>> {
    if (!(await this.contracts.resultPublished(resultId))) {
      throw new DomainError('NOT_FOUND', 'No published result with this id');
    }
    return this.publicPage(await this.contracts.listRegistered({ ...page, resultId }));
  }

  async stats(): Promise<ContractStatsDto> {
    return this.contracts.figures();
  }

  async brokerStats(): Promise<ContractBrokerStatsDto> {
    return { byBroker: await this.contracts.brokerFigures() };
  }

  private async publicPage(page: Page<TechnologyContractEntity>): Promise<Page<PublicContractDto>> {
    const open = page.items.filter((c) => !c.confidential);
    const names = await this.contracts.organizationNames(
      open.flatMap((c) => [c.sellerOrganizationId, c.buyerOrganizationId]),
    );
    return { items: page.items.map((c) => toPublicContract(c, names)), nextCursor: page.nextCursor };
  }
}

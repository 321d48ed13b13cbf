import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Principal, requireUser, UserPrincipal } from '../../../common/auth/principal';
import { assertVersion } from '../../../common/concurrency/etag';
import { DomainError, FieldError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { AttachmentsService } from '../../platform/attachments/attachments.service';
import { TaxonomyService } from '../../platform/taxonomy/taxonomy.service';
import { standingOf } from './contract-access';
import { CONTRACT_AUDIT, ContractAuditAction, ContractRecorder } from './contract-events';
import { contractRuleErrors } from './contract-rules';
import { CONTRACT_MACHINE, ContractAction } from './contract-status';
import { contractSnapshot, toContractResponse } from './contract.mappers';
import { ContractsRepository } from './contracts.repository';
import { CreateContractDto, UpdateContractDto } from './dto/contract-input.dto';
import { ContractResponseDto } from './dto/contract-response.dto';
import { TechnologyContractEntity } from './entities/technology-contract.entity';

type Content = Pick<
  TechnologyContractEntity,
  | 'title'
  | 'type'
  | 'sellerOrganizationId'
  | 'buyerOrganizationId'
  | 'contractAmountFen'
  | 'technologyTransactionAmountFen'
  | 'signedOn'
  | 'regionCode'
  | 'industryChainCode'
  | 'resultId'
  | 'needId'
  | 'projectId'
  | 'brokerUserId'
  | 'confidential'
>;

function refuse(errors: FieldError[]): void {
  if (errors.length) {
    throw new DomainError('BUSINESS_RULE_VIOLATION', errors.map((e) => e.message).join('; '), { errors });
  }
}

function contentOf(dto: UpdateContractDto, current?: TechnologyContractEntity): Content {
  const pick = <T>(value: T | undefined, kept: T): T => (value === undefined ? kept : value);
  return {
    title: dto.title?.trim() ?? (current?.title as string),
    type: pick(dto.type, current?.type as Content['type']),
    sellerOrganizationId: pick(dto.sellerOrganizationId, current?.sellerOrganizationId as string),
    buyerOrganizationId: pick(dto.buyerOrganizationId, current?.buyerOrganizationId as string),
    contractAmountFen: pick(dto.contractAmountFen, current?.contractAmountFen as number),
    technologyTransactionAmountFen: pick(
      dto.technologyTransactionAmountFen,
      current?.technologyTransactionAmountFen as number,
    ),
    signedOn: pick(dto.signedOn, current?.signedOn as string),
    regionCode: pick(dto.regionCode, current?.regionCode as string),
    industryChainCode: pick(dto.industryChain, current?.industryChainCode as string),
    resultId: pick(dto.resultId, current?.resultId ?? null),
    needId: pick(dto.needId, current?.needId ?? null),
    projectId: pick(dto.projectId, current?.projectId ?? null),
    brokerUserId: pick(dto.brokerUserId, current?.brokerUserId ?? null),
    confidential: pick(dto.confidential, current?.confidential ?? false),
  };
}

/**
 * The parties' side of a contract record: a user of the seller or buyer organization drafts it,
 * corrects it, files it for registration (draft or returned → submitted) or withdraws it. Every
 * change locks the row, checks If-Match when given, and writes its audit row (and outbox event) in
 * the same transaction.
 */
@Injectable()
export class ContractFilingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contracts: ContractsRepository,
    private readonly taxonomy: TaxonomyService,
    private readonly attachments: AttachmentsService,
    private readonly recorder: ContractRecorder,
    private readonly clock: Clock,
  ) {}

  async create(actor: Principal, dto: CreateContractDto): Promise<ContractResponseDto> {
    const user = requireUser(actor);
    const content = contentOf(dto);
    const saved = await this.dataSource.transaction(async (em) => {
      await this.checkContent(em, user, content);
      const attachmentIds = await this.checkAttachments(em, user, dto);
      const now = this.clock.now();
      const contract = em.create(TechnologyContractEntity, {
        ...content,
        registrationNumber: null,
        filedByOrganizationId: user.organizationId,
        status: CONTRACT_MACHINE.initial('create'),
        returnReason: null,
        submittedAt: null,
        registeredAt: null,
        registeredBy: null,
        createdBy: user.userId,
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      await em.save(contract);
      await this.contracts.replaceAttachments(em, contract.id, attachmentIds ?? []);
      await this.recorder.record(em, actor, CONTRACT_AUDIT.created, contract, attachmentIds ?? [], null);
      return { contract, attachmentIds: attachmentIds ?? [] };
    });
    return toContractResponse(saved.contract, saved.attachmentIds);
  }

  /** A draft or returned contract, changed by a party: the same rules as at creation. */
  async update(
    actor: Principal,
    id: string,
    dto: UpdateContractDto,
    expectedVersion: number | undefined,
  ): Promise<ContractResponseDto> {
    const user = requireUser(actor);
    return this.change(user, id, 'edit', expectedVersion, CONTRACT_AUDIT.updated, async (em, contract) => {
      const content = contentOf(dto, contract);
      await this.checkContent(em, user, content);
      const attachmentIds = await this.checkAttachments(em, user, dto);
      Object.assign(contract, content);
      if (attachmentIds) await this.contracts.replaceAttachments(em, contract.id, attachmentIds);
    });
  }

  /** Files it for registration: every rule is checked again (the clock or the taxonomy may have moved). */
  submit(actor: Principal, id: string, expectedVersion: number | undefined): Promise<ContractResponseDto> {
    const user = requireUser(actor);
    return this.change(
      user,
      id,
      'submit',
      expectedVersion,
      CONTRACT_AUDIT.submitted,
      async (em, contract) => {
        await this.checkContent(em, user, contract, false);
        contract.submittedAt = this.clock.now();
        contract.returnReason = null;
      },
    );
  }

  withdraw(actor: Principal, id: string, expectedVersion: number | undefined): Promise<ContractResponseDto> {
    const user = requireUser(actor);
    return this.change(user, id, 'withdraw', expectedVersion, CONTRACT_AUDIT.withdrawn, async () => {});
  }

  private async change(
    user: UserPrincipal,
    id: string,
    action: ContractAction,
    expectedVersion: number | undefined,
    audit: ContractAuditAction,
    apply: (em: EntityManager, contract: TechnologyContractEntity) => Promise<void>,
  ): Promise<ContractResponseDto> {
    const saved = await this.dataSource.transaction(async (em) => {
      const contract = await this.contracts.findByIdForUpdate(em, id);
      if (!contract || standingOf(user, contract) !== 'party') throw DomainError.notFound('Contract');
      assertVersion(contract.version, expectedVersion);
      const status = CONTRACT_MACHINE.target(contract.status, action);
      const before = contractSnapshot(contract, await this.contracts.attachmentIdsOf(id, em));
      await apply(em, contract);
      contract.status = status;
      contract.version += 1;
      contract.updatedAt = this.clock.now();
      await em.save(contract);
      const attachmentIds = await this.contracts.attachmentIdsOf(id, em);
      await this.recorder.record(em, user, audit, contract, attachmentIds, before);
      return { contract, attachmentIds };
    });
    return toContractResponse(saved.contract, saved.attachmentIds);
  }

  /**
   * 422 naming each field that breaks a rule: the figures (contract-rules.ts), the industry chain
   * (active in the taxonomy), the parties (existing organizations, the caller's among them), the
   * project and the broker (existing).
   */
  private async checkContent(
    em: EntityManager,
    user: UserPrincipal,
    content: Content,
    checkCaller = true,
  ): Promise<void> {
    const errors = contractRuleErrors(content, this.clock.now());
    try {
      await this.taxonomy.assertActiveIndustryChain(em, content.industryChainCode);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'VALIDATION_FAILED') throw error;
      errors.push(...(error.options.errors ?? []));
    }
    const parties = [content.sellerOrganizationId, content.buyerOrganizationId];
    const known = await this.contracts.existingOrganizations(em, parties);
    for (const [field, orgId] of [
      ['sellerOrganizationId', content.sellerOrganizationId],
      ['buyerOrganizationId', content.buyerOrganizationId],
    ] as const) {
      if (!known.has(orgId)) errors.push({ field, message: `no organization ${orgId}` });
    }
    if (checkCaller && !parties.includes(user.organizationId)) {
      errors.push({
        field: 'sellerOrganizationId',
        message: 'your organization must be the seller or the buyer of the contract',
      });
    }
    if (content.projectId && !(await this.contracts.projectExists(em, content.projectId))) {
      errors.push({ field: 'projectId', message: `no project ${content.projectId}` });
    }
    if (content.needId && !(await this.contracts.needExists(em, content.needId))) {
      errors.push({ field: 'needId', message: `no need ${content.needId}` });
    }
    if (content.resultId && !(await this.contracts.resultExists(em, content.resultId))) {
      errors.push({ field: 'resultId', message: `no result ${content.resultId}` });
    }
    if (content.brokerUserId && !(await this.contracts.enabledUserExists(em, content.brokerUserId))) {
      errors.push({ field: 'brokerUserId', message: `no active user ${content.brokerUserId}` });
    }
    refuse(errors);
  }

  /** The attachment ids given (400 for one not uploaded by the caller's organization); undefined when not given. */
  private async checkAttachments(
    em: EntityManager,
    user: UserPrincipal,
    dto: UpdateContractDto,
  ): Promise<string[] | undefined> {
    if (!dto.attachments) return undefined;
    const ids = dto.attachments.map((a) => a.attachmentId);
    if (ids.length) await this.attachments.findOwnedByOrganization(em, ids, user.organizationId);
    return ids;
  }
}

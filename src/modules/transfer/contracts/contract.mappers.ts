import { JsonObject } from '../../../common/json';
import { ContractResponseDto, PublicContractDto } from './dto/contract-response.dto';
import { TechnologyContractEntity } from './entities/technology-contract.entity';

export const CONTRACT_ENTITY = 'technology_contract';

export function toContractResponse(
  c: TechnologyContractEntity,
  attachmentIds: string[],
): ContractResponseDto {
  return {
    id: c.id,
    registrationNumber: c.registrationNumber,
    title: c.title,
    type: c.type,
    sellerOrganizationId: c.sellerOrganizationId,
    buyerOrganizationId: c.buyerOrganizationId,
    filedByOrganizationId: c.filedByOrganizationId,
    contractAmountFen: c.contractAmountFen,
    technologyTransactionAmountFen: c.technologyTransactionAmountFen,
    signedOn: c.signedOn,
    regionCode: c.regionCode,
    industryChain: c.industryChainCode,
    resultId: c.resultId,
    needId: c.needId,
    projectId: c.projectId,
    brokerUserId: c.brokerUserId,
    confidential: c.confidential,
    status: c.status,
    returnReason: c.returnReason,
    attachmentIds,
    submittedAt: c.submittedAt,
    registeredAt: c.registeredAt,
    version: c.version,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

/**
 * A registered contract for the public: no broker, no person, and the parties' names only when the
 * contract is not confidential (`names` holds the organizations' names).
 */
export function toPublicContract(c: TechnologyContractEntity, names: Map<string, string>): PublicContractDto {
  const party = (organizationId: string) => ({ organizationId, name: names.get(organizationId) ?? '' });
  return {
    id: c.id,
    registrationNumber: c.registrationNumber as string,
    title: c.title,
    type: c.type,
    contractAmountFen: c.contractAmountFen,
    technologyTransactionAmountFen: c.technologyTransactionAmountFen,
    signedOn: c.signedOn,
    registeredAt: c.registeredAt as Date,
    regionCode: c.regionCode,
    industryChain: c.industryChainCode,
    confidential: c.confidential,
    ...(c.confidential ? {} : { seller: party(c.sellerOrganizationId), buyer: party(c.buyerOrganizationId) }),
    resultId: c.resultId,
  };
}

/** What the audit trail keeps of a contract: every field a change may touch, and the version. */
export function contractSnapshot(c: TechnologyContractEntity, attachmentIds: string[]): JsonObject {
  return {
    registrationNumber: c.registrationNumber,
    title: c.title,
    type: c.type,
    sellerOrganizationId: c.sellerOrganizationId,
    buyerOrganizationId: c.buyerOrganizationId,
    contractAmountFen: c.contractAmountFen,
    technologyTransactionAmountFen: c.technologyTransactionAmountFen,
    signedOn: c.signedOn,
    regionCode: c.regionCode,
    industryChain: c.industryChainCode,
    resultId: c.resultId,
    needId: c.needId,
    projectId: c.projectId,
    brokerUserId: c.brokerUserId,
    confidential: c.confidential,
    status: c.status,
    returnReason: c.returnReason,
    attachmentIds,
    version: c.version,
  };
}

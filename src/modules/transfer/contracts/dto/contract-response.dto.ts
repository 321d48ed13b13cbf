import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CONTRACT_STATUSES, CONTRACT_TYPES } from '../contract-status';
import type { ContractStatus, ContractType } from '../contract-status';

/** A contract record as its parties, registrars and admins read it. */
export class ContractResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'JS-360100-2027-0001', nullable: true, type: String })
  registrationNumber: string | null;
  @ApiProperty({ example: '高温超导带材制备技术许可合同' }) title: string;
  @ApiProperty({ enum: CONTRACT_TYPES }) type: ContractType;
  @ApiProperty({ format: 'uuid' }) sellerOrganizationId: string;
  @ApiProperty({ format: 'uuid' }) buyerOrganizationId: string;
  @ApiProperty({ format: 'uuid' }) filedByOrganizationId: string;
  @ApiProperty({ type: 'integer', format: 'int64', example: 300_000_000 }) contractAmountFen: number;
  @ApiProperty({ type: 'integer', format: 'int64', example: 250_000_000 })
  technologyTransactionAmountFen: number;
  @ApiProperty({ example: '2027-06-18' }) signedOn: string;
  @ApiProperty({ example: '360100' }) regionCode: string;
  @ApiProperty({ example: 'new_materials' }) industryChain: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) resultId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) needId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) projectId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) brokerUserId: string | null;
  @ApiProperty() confidential: boolean;
  @ApiProperty({ enum: CONTRACT_STATUSES }) status: ContractStatus;
  @ApiProperty({ nullable: true, type: String }) returnReason: string | null;
  @ApiProperty({ type: [String], format: 'uuid', description: 'Attachment ids, in order' })
  attachmentIds: string[];
  @ApiProperty({ nullable: true, type: Date }) submittedAt: Date | null;
  @ApiProperty({ nullable: true, type: Date }) registeredAt: Date | null;
  @ApiProperty() version: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

/** A party of a registered contract, as the public sees it (absent when the contract is confidential). */
export class PublicContractPartyDto {
  @ApiProperty({ format: 'uuid' }) organizationId: string;
  @ApiProperty({ example: '江西某新材料有限公司' }) name: string;
}

/**
 * A registered contract as the public sees it: amounts, type, chain, region, number and date; the
 * parties only when it is not confidential; never the broker or any person.
 */
export class PublicContractDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'JS-360100-2027-0001' }) registrationNumber: string;
  @ApiProperty({ example: '高温超导带材制备技术许可合同' }) title: string;
  @ApiProperty({ enum: CONTRACT_TYPES }) type: ContractType;
  @ApiProperty({ type: 'integer', format: 'int64' }) contractAmountFen: number;
  @ApiProperty({ type: 'integer', format: 'int64' }) technologyTransactionAmountFen: number;
  @ApiProperty({ example: '2027-06-18' }) signedOn: string;
  @ApiProperty() registeredAt: Date;
  @ApiProperty({ example: '360100' }) regionCode: string;
  @ApiProperty({ example: 'new_materials' }) industryChain: string;
  @ApiProperty() confidential: boolean;
  @ApiPropertyOptional({ type: PublicContractPartyDto, description: 'Absent when confidential' })
  seller?: PublicContractPartyDto;
  @ApiPropertyOptional({ type: PublicContractPartyDto, description: 'Absent when confidential' })
  buyer?: PublicContractPartyDto;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) resultId: string | null;
}

/** One group of registered contracts: how many, and their sums. */
export class ContractFigureDto {
  @ApiProperty({ example: 'new_materials', description: 'The chain, region, type or broker user id' })
  key: string;
  @ApiProperty({ type: 'integer', example: 3 }) contracts: number;
  @ApiProperty({ type: 'integer', format: 'int64' }) contractAmountFen: number;
  @ApiProperty({ type: 'integer', format: 'int64' }) technologyTransactionAmountFen: number;
}

/** Registered contracts counted by chain, region (as registered) and type, and how many were brokered. */
export class ContractStatsDto {
  @ApiProperty({ type: ContractFigureDto, description: 'Every registered contract (key: all)' })
  total: ContractFigureDto;
  @ApiProperty({ type: [ContractFigureDto] }) byIndustryChain: ContractFigureDto[];
  @ApiProperty({ type: [ContractFigureDto] }) byRegion: ContractFigureDto[];
  @ApiProperty({ type: [ContractFigureDto] }) byType: ContractFigureDto[];
  @ApiProperty({ type: ContractFigureDto, description: 'Those with a broker (key: brokered)' })
  brokered: ContractFigureDto;
}

/** Registered contracts per broker (user id): for registrars and admins, never public. */
export class ContractBrokerStatsDto {
  @ApiProperty({ type: [ContractFigureDto], description: 'key: the broker user id' })
  byBroker: ContractFigureDto[];
}

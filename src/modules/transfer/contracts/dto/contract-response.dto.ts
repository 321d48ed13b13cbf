import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EXAMPLE_IDS } from '../../../../common/openapi/examples';
import { CONTRACT_STATUSES, CONTRACT_TYPES } from '../contract-status';
import type { ContractStatus, ContractType } from '../contract-status';
import { CONTRACT_EXAMPLE_IDS as IDS } from './contract-input.dto';

/** A contract record as its parties, registrars and admins read it. */
export class ContractResponseDto {
  @ApiProperty({ format: 'uuid', example: IDS.contract }) id: string;
  @ApiProperty({ example: 'JS-360100-2027-0001', nullable: true, type: String })
  registrationNumber: string | null;
  @ApiProperty({ example: '高温超导带材制备技术许可合同' }) title: string;
  @ApiProperty({ enum: CONTRACT_TYPES }) type: ContractType;
  @ApiProperty({ format: 'uuid', example: EXAMPLE_IDS.leadOrganization }) sellerOrganizationId: string;
  @ApiProperty({ format: 'uuid', example: EXAMPLE_IDS.issuerOrganization }) buyerOrganizationId: string;
  @ApiProperty({ format: 'uuid', example: EXAMPLE_IDS.leadOrganization }) filedByOrganizationId: string;
  @ApiProperty({ type: 'integer', format: 'int64', example: 300_000_000 }) contractAmountFen: number;
  @ApiProperty({ type: 'integer', format: 'int64', example: 250_000_000 })
  technologyTransactionAmountFen: number;
  @ApiProperty({ example: '2027-06-18' }) signedOn: string;
  @ApiProperty({ example: '360100' }) regionCode: string;
  @ApiProperty({ example: 'new_materials' }) industryChain: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: IDS.result }) resultId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: IDS.need }) needId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: EXAMPLE_IDS.project }) projectId:
    string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: IDS.broker }) brokerUserId:
    string | null;
  @ApiProperty({ example: false }) confidential: boolean;
  @ApiProperty({ enum: CONTRACT_STATUSES }) status: ContractStatus;
  @ApiProperty({ nullable: true, type: String, example: null }) returnReason: string | null;
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'Attachment ids, in order',
    example: [EXAMPLE_IDS.attachment],
  })
  attachmentIds: string[];
  @ApiProperty({ nullable: true, type: Date, example: '2027-06-19T02:00:00.000Z' }) submittedAt: Date | null;
  @ApiProperty({ nullable: true, type: Date, example: '2027-06-20T02:00:00.000Z' }) registeredAt: Date | null;
  @ApiProperty({ example: 3 }) version: number;
  @ApiProperty({ example: '2027-06-18T08:00:00.000Z' }) createdAt: Date;
  @ApiProperty({ example: '2027-06-20T02:00:00.000Z' }) updatedAt: Date;
}

/** A party of a registered contract, as the public sees it (absent when the contract is confidential). */
export class PublicContractPartyDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE_IDS.leadOrganization }) organizationId: string;
  @ApiProperty({ example: '江西某新材料有限公司' }) name: string;
}

/**
 * A registered contract as the public sees it: amounts, type, chain, region, number and date; the
 * parties only when it is not confidential; never the broker or any person.
 */
export class PublicContractDto {
  @ApiProperty({ format: 'uuid', example: IDS.contract }) id: string;
  @ApiProperty({ example: 'JS-360100-2027-0001' }) registrationNumber: string;
  @ApiProperty({ example: '高温超导带材制备技术许可合同' }) title: string;
  @ApiProperty({ enum: CONTRACT_TYPES }) type: ContractType;
  @ApiProperty({ type: 'integer', format: 'int64', example: 300_000_000 }) contractAmountFen: number;
  @ApiProperty({ type: 'integer', format: 'int64', example: 250_000_000 })
  technologyTransactionAmountFen: number;
  @ApiProperty({ example: '2027-06-18' }) signedOn: string;
  @ApiProperty({ example: '2027-06-20T02:00:00.000Z' }) registeredAt: Date;
  @ApiProperty({ example: '360100' }) regionCode: string;
  @ApiProperty({ example: 'new_materials' }) industryChain: string;
  @ApiProperty({ example: false }) confidential: boolean;
  @ApiPropertyOptional({ type: PublicContractPartyDto, description: 'Absent when confidential' })
  seller?: PublicContractPartyDto;
  @ApiPropertyOptional({ type: PublicContractPartyDto, description: 'Absent when confidential' })
  buyer?: PublicContractPartyDto;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: IDS.result }) resultId: string | null;
}

/** One group of registered contracts: how many, and their sums. */
export class ContractFigureDto {
  @ApiProperty({ example: 'new_materials', description: 'The chain, region, type or broker user id' })
  key: string;
  @ApiProperty({ type: 'integer', example: 3 }) contracts: number;
  @ApiProperty({ type: 'integer', format: 'int64', example: 300_000_000 }) contractAmountFen: number;
  @ApiProperty({ type: 'integer', format: 'int64', example: 250_000_000 })
  technologyTransactionAmountFen: number;
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

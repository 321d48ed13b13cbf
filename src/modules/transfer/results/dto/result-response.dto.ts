import { ApiProperty } from '@nestjs/swagger';
import { EXAMPLE_IDS } from '../../../../common/openapi/examples';
import { IP_STATUSES, RESULT_SOURCES, RESULT_TYPES, TRANSFER_MODES } from '../results.constants';
import type { IpStatus, ResultSource, ResultType, TransferMode } from '../results.constants';
import { RESULT_STATUSES, UTILISATION_STATUSES } from '../results-status';
import type { ResultStatus, UtilisationStatus } from '../results-status';
import { UTILISATION_KINDS } from '../entities/result-utilisation.entity';
import type { UtilisationKind } from '../entities/result-utilisation.entity';

export const EXAMPLE_RESULT_ID = '3c1f8f0e-2f6b-4d0a-9f0e-6b1d2a4c8e71';

export class IpRecordDto {
  @ApiProperty({ example: '发明专利' })
  kind: string;

  @ApiProperty({ example: 'ZL202310000000.1' })
  number: string;

  @ApiProperty({ type: [String], format: 'uuid', example: [EXAMPLE_IDS.leadOrganization] })
  holderOrganizationIds: string[];

  @ApiProperty({ enum: IP_STATUSES })
  status: IpStatus;
}

export class ResultHolderDto {
  @ApiProperty({ example: '南昌大学' })
  name: string;

  @ApiProperty({ format: 'uuid', type: String, nullable: true, example: EXAMPLE_IDS.leadOrganization })
  organizationId: string | null;
}

export class ResultIndicatorDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE_IDS.indicator })
  indicatorId: string;

  @ApiProperty({ example: '峰值功率密度' })
  name: string;

  @ApiProperty({ example: 'kW/kg' })
  unit: string;

  @ApiProperty({ example: '≥ 5.0' })
  targetValue: string;

  @ApiProperty({ example: '5.3', type: String, nullable: true, description: 'Measured at the acceptance' })
  measuredValue: string | null;

  @ApiProperty({ example: 3, description: "Panel members' verdicts met" })
  met: number;

  @ApiProperty({ example: 0 })
  partiallyMet: number;

  @ApiProperty({ example: 0 })
  notMet: number;
}

/**
 * A result as its readers see it: the public see only published ones; the holder, brokers and admins
 * every status. Never the confidential details (GET /results/{id}/confidential), never a person.
 */
export class ResultResponseDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE_RESULT_ID })
  id: string;

  @ApiProperty({ enum: RESULT_STATUSES })
  status: ResultStatus;

  @ApiProperty({ enum: RESULT_SOURCES, description: 'acceptance: drafted from a passed acceptance' })
  source: ResultSource;

  @ApiProperty({ example: '高功率密度永磁同步电机控制技术' })
  title: string;

  @ApiProperty({ example: '面向新能源汽车驱动的高功率密度电机控制方法，已完成样机验证。' })
  abstract: string;

  @ApiProperty({ enum: RESULT_TYPES })
  type: ResultType;

  @ApiProperty({ example: 'new_energy_vehicles' })
  industryChain: string;

  @ApiProperty({ type: [String], example: ['永磁同步电机'] })
  keywords: string[];

  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 6,
    description: 'The TRL the holder claims (GB/T 22900); null on a draft from an acceptance until set',
  })
  trlClaimed: number | null;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 6,
    description: "The acceptance panel's TRL verdict (read-only), shown beside the claimed TRL",
  })
  verifiedTrl: number | null;

  @ApiProperty({ type: [IpRecordDto] })
  ipRecords: IpRecordDto[];

  @ApiProperty({ type: [ResultHolderDto] })
  holders: ResultHolderDto[];

  @ApiProperty({ enum: TRANSFER_MODES, isArray: true })
  transferModes: TransferMode[];

  @ApiProperty({ type: 'integer', format: 'int64', nullable: true, example: 50000000 })
  priceGuidanceFen: number | null;

  @ApiProperty({
    format: 'uuid',
    example: EXAMPLE_IDS.leadOrganization,
    description: 'The holder organization',
  })
  organizationId: string;

  @ApiProperty({ format: 'uuid', type: String, nullable: true, description: 'The project it came from' })
  projectId: string | null;

  @ApiProperty({ format: 'uuid', type: String, nullable: true, example: EXAMPLE_IDS.challenge })
  challengeId: string | null;

  @ApiProperty({
    type: [ResultIndicatorDto],
    description: 'The task-book indicators it came from, with the verdicts',
  })
  indicators: ResultIndicatorDto[];

  @ApiProperty({ example: true, description: 'Whether confidential details exist (behind the undertaking)' })
  hasConfidentialDetails: boolean;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Why it was returned (holder, brokers, admins only)',
  })
  returnReason: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  submittedAt: Date | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  publishedAt: Date | null;

  @ApiProperty({ example: 1 })
  version: number;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt: Date;
}

export class ResultConfidentialResponseDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE_RESULT_ID })
  resultId: string;

  @ApiProperty({ example: '关键控制参数与工艺窗口详见保密附件' })
  details: string;

  @ApiProperty({ type: String, format: 'date-time' })
  updatedAt: Date;
}

export class ResultNdaResponseDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE_RESULT_ID })
  resultId: string;

  @ApiProperty({ format: 'uuid', example: EXAMPLE_IDS.issuerUser })
  userId: string;

  @ApiProperty({ format: 'uuid', example: EXAMPLE_IDS.issuerOrganization })
  organizationId: string;

  @ApiProperty({ type: String, format: 'date-time' })
  acceptedAt: Date;
}

export class UtilisationReportDto {
  @ApiProperty({ format: 'uuid', example: 'b5b0e3f4-1f7e-4a43-9c7b-2d8c0f6a1e22' })
  id: string;

  @ApiProperty({ format: 'uuid', example: EXAMPLE_RESULT_ID })
  resultId: string;

  @ApiProperty({ example: 1, description: 'The year after the acceptance, 1 … RESULT_UTILISATION_YEARS' })
  year: number;

  @ApiProperty({ enum: UTILISATION_STATUSES })
  status: UtilisationStatus;

  @ApiProperty({ type: String, format: 'date-time', description: 'When the holder is asked' })
  requestAt: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  dueAt: Date;

  @ApiProperty({ type: Boolean, nullable: true })
  used: boolean | null;

  @ApiProperty({ enum: UTILISATION_KINDS, isArray: true, nullable: true })
  kinds: UtilisationKind[] | null;

  @ApiProperty({ type: String, nullable: true })
  description: string | null;

  @ApiProperty({ type: 'integer', format: 'int64', nullable: true })
  revenueFen: number | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  reportedAt: Date | null;
}

import { ApiProperty } from '@nestjs/swagger';
import { EXAMPLE_IDS } from '../../../../common/openapi/examples';
import { IP_STATUSES, RESULT_SOURCES, RESULT_TYPES, TRANSFER_MODES } from '../results.constants';
import type { IpStatus, ResultSource, ResultType, TransferMode } from '../results.constants';
import { RESULT_STATUSES, UTILISATION_STATUSES } from '../results-status';
import type { ResultStatus, UtilisationStatus } from '../results-status';
import { UTILISATION_KINDS } from '../entities/result-utilisation.entity';
import type { UtilisationKind } from '../entities/result-utilisation.entity';

const EXAMPLE_RESULT_ID = EXAMPLE_IDS.result;

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

  @ApiProperty({ enum: TRANSFER_MODES, isArray: true, example: ['exclusive_licence', 'joint_development'] })
  transferModes: TransferMode[];

  @ApiProperty({ type: 'integer', format: 'int64', nullable: true, example: 50000000 })
  priceGuidanceFen: number | null;

  @ApiProperty({
    format: 'uuid',
    example: EXAMPLE_IDS.leadOrganization,
    description: 'The holder organization',
  })
  organizationId: string;

  @ApiProperty({
    format: 'uuid',
    type: String,
    nullable: true,
    example: EXAMPLE_IDS.project,
    description: 'The project it came from',
  })
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
    example: '请补充知识产权证明材料',
    description: 'Why it was returned (holder, brokers, admins only)',
  })
  returnReason: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2029-11-02T02:00:00.000Z' })
  submittedAt: Date | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2029-11-05T02:00:00.000Z' })
  publishedAt: Date | null;

  @ApiProperty({ example: 1 })
  version: number;

  @ApiProperty({ type: String, format: 'date-time', example: '2029-10-30T02:00:00.000Z' })
  createdAt: Date;

  @ApiProperty({ type: String, format: 'date-time', example: '2029-11-05T02:00:00.000Z' })
  updatedAt: Date;
}

export class ResultConfidentialResponseDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE_RESULT_ID })
  resultId: string;

  @ApiProperty({ example: '关键控制参数与工艺窗口详见保密附件' })
  details: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2029-11-05T02:00:00.000Z' })
  updatedAt: Date;
}

export class ResultNdaResponseDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE_RESULT_ID })
  resultId: string;

  @ApiProperty({ format: 'uuid', example: EXAMPLE_IDS.issuerUser })
  userId: string;

  @ApiProperty({ format: 'uuid', example: EXAMPLE_IDS.issuerOrganization })
  organizationId: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2029-11-06T02:00:00.000Z' })
  acceptedAt: Date;
}

export class UtilisationReportDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE_IDS.utilisationReport })
  id: string;

  @ApiProperty({ format: 'uuid', example: EXAMPLE_RESULT_ID })
  resultId: string;

  @ApiProperty({ example: 1, description: 'The year after the acceptance, 1 … RESULT_UTILISATION_YEARS' })
  year: number;

  @ApiProperty({ enum: UTILISATION_STATUSES })
  status: UtilisationStatus;

  @ApiProperty({
    type: String,
    format: 'date-time',
    example: '2030-10-30T02:00:00.000Z',
    description: 'When the holder is asked',
  })
  requestAt: Date;

  @ApiProperty({ type: String, format: 'date-time', example: '2030-11-29T02:00:00.000Z' })
  dueAt: Date;

  @ApiProperty({ type: Boolean, nullable: true, example: true })
  used: boolean | null;

  @ApiProperty({ enum: UTILISATION_KINDS, isArray: true, nullable: true, example: ['licensed'] })
  kinds: UtilisationKind[] | null;

  @ApiProperty({ type: String, nullable: true, example: '已许可省内两家企业使用' })
  description: string | null;

  @ApiProperty({ type: 'integer', format: 'int64', nullable: true, example: 3000000 })
  revenueFen: number | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2030-11-10T02:00:00.000Z' })
  reportedAt: Date | null;
}

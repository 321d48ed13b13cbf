import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ORGANIZATION_TYPES,
  type OrganizationType,
} from '../../../platform/organizations/organization-types';
import { CHALLENGE_STATUSES } from '../challenge-status';
import type { ChallengeStatus } from '../challenge-status';
import { ATTACHMENT_VISIBILITIES } from '../entities/challenge-attachment.entity';
import type { AttachmentVisibility } from '../entities/challenge-attachment.entity';
import { OUTCOME_KINDS, SELECTION_MODES } from '../entities/challenge.entity';
import type { OutcomeKind, SelectionMode } from '../entities/challenge.entity';
import { EXAMPLE_IDS, EXAMPLE_TIMES, EXAMPLE_TEXT, EXAMPLE_FEN } from '../../../../common/openapi/examples';

export class OrganizationRefDto {
  @ApiProperty({ example: EXAMPLE_IDS.issuerOrganization, format: 'uuid' })
  id: string;

  @ApiProperty({ example: EXAMPLE_TEXT.issuerOrganization })
  name: string;
}

export class IndicatorResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.indicator, format: 'uuid' })
  id: string;

  @ApiProperty({ example: EXAMPLE_TEXT.indicatorName })
  name: string;

  @ApiProperty({ example: '≥ 500' })
  targetValue: string;

  @ApiProperty({ example: 'A' })
  unit: string;

  @ApiProperty({ example: '第三方检测机构出具检测报告' })
  verificationMethod: string;
}

export class ExpectedOutcomeResponseDto {
  @ApiProperty({ enum: OUTCOME_KINDS })
  kind: OutcomeKind;

  @ApiProperty({ example: '工程样机 1 台' })
  description: string;
}

export class EligibilityResponseDto {
  @ApiProperty({
    example: ['enterprise', 'university', 'research_institute'],
    enum: ORGANIZATION_TYPES,
    isArray: true,
    description: 'Empty: every type',
  })
  allowedOrganizationTypes: OrganizationType[];

  @ApiProperty({ example: ['360000'], type: [String], description: 'Empty: anywhere' })
  regionCodes: string[];

  @ApiProperty({ example: true })
  consortiumAllowed: boolean;

  @ApiProperty({
    example: 2,
    nullable: true,
    type: Number,
    description: "null: the program's maxActiveListsPerLeader",
  })
  leaderConcurrencyLimit: number | null;
}

export class ChallengeAttachmentResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.listAttachment, format: 'uuid' })
  attachmentId: string;

  @ApiProperty({ example: '技术需求说明书.pdf' })
  filename: string;

  @ApiProperty({ example: 'application/pdf' })
  contentType: string;

  @ApiProperty({ type: 'integer', example: 1_203_456 })
  sizeBytes: number;

  @ApiProperty({
    example: '7b8fb94f5c226771898c24bfc77b47682d8ed175098a2c49902af4432b3fb2bd',
    description: 'SHA-256 of the content, hex',
  })
  sha256: string;

  @ApiProperty({ enum: ATTACHMENT_VISIBILITIES })
  visibility: AttachmentVisibility;

  @ApiProperty({
    example: `/api/v1/challenges/${EXAMPLE_IDS.challenge}/attachments/${EXAMPLE_IDS.listAttachment}`,
    description: 'Where to download it: GET this path (public ones need no credentials)',
  })
  href: string;
}

const STATUS_DESCRIPTION =
  'The status by the clock: a published challenge is `open` from opensAt and `closed` from closesAt to the ' +
  'millisecond, whether or not the deadline job has run yet.';

/** One row of `GET /challenges`: the public summary, no background, indicators or confidential part. */
export class ChallengeSummaryDto {
  @ApiProperty({ example: EXAMPLE_IDS.challenge, format: 'uuid' })
  id: string;

  @ApiProperty({ nullable: true, type: String, example: 'JB-2027-0042', description: 'Assigned at approval' })
  code: string | null;

  @ApiProperty({ example: EXAMPLE_IDS.program, format: 'uuid' })
  programId: string;

  @ApiProperty({ example: EXAMPLE_TEXT.challengeTitle })
  title: string;

  @ApiProperty({ example: 'key_technology' })
  category: string;

  @ApiProperty({ example: 'new_materials' })
  industryChain: string;

  @ApiProperty({ type: OrganizationRefDto })
  issuerOrganization: OrganizationRefDto;

  @ApiProperty({ example: '360100' })
  regionCode: string;

  @ApiProperty({ example: '研制高温超导电缆样机，临界电流与交流损耗达到国际先进水平。' })
  publicSummary: string;

  @ApiProperty({
    type: 'integer',
    example: EXAMPLE_FEN.total,
    description: 'fiscalFen + cofundingFen, in fen',
  })
  totalFen: number;

  @ApiProperty({ type: 'integer', example: EXAMPLE_FEN.fiscal })
  fiscalFen: number;

  @ApiProperty({ type: 'integer', example: EXAMPLE_FEN.cofunding })
  cofundingFen: number;

  @ApiProperty({ example: EXAMPLE_TIMES.opens, format: 'date-time' })
  opensAt: Date;

  @ApiProperty({ example: EXAMPLE_TIMES.closes, format: 'date-time' })
  closesAt: Date;

  @ApiProperty({ enum: SELECTION_MODES })
  selectionMode: SelectionMode;

  @ApiProperty({ type: 'integer', example: 1 })
  teamCount: number;

  @ApiProperty({ enum: CHALLENGE_STATUSES, description: STATUS_DESCRIPTION })
  status: ChallengeStatus;

  @ApiProperty({ example: EXAMPLE_TIMES.published, nullable: true, type: Date, format: 'date-time' })
  publishedAt: Date | null;

  @ApiProperty({ type: 'integer', example: 4 })
  version: number;
}

/** `GET /challenges/{id}`: everything but the confidential details and confidential attachments. */
export class ChallengeResponseDto extends ChallengeSummaryDto {
  @ApiProperty({ example: '我省电网企业亟需低损耗输电技术。' })
  background: string;

  @ApiProperty({ type: [IndicatorResponseDto] })
  indicators: IndicatorResponseDto[];

  @ApiProperty({ type: [ExpectedOutcomeResponseDto] })
  expectedOutcomes: ExpectedOutcomeResponseDto[];

  @ApiProperty({ type: 'integer', example: 24 })
  durationMonths: number;

  @ApiProperty({ type: EligibilityResponseDto })
  eligibility: EligibilityResponseDto;

  @ApiProperty({
    type: [ChallengeAttachmentResponseDto],
    description: 'Public attachments; the issuer organization and admins also see the confidential ones',
  })
  attachments: ChallengeAttachmentResponseDto[];

  @ApiPropertyOptional({
    example: '指标表述不清，请补充验证方式后重新提交',
    nullable: true,
    type: String,
    description: 'Why it was rejected (issuer and admin only) or cancelled (everyone)',
  })
  statusReason: string | null;

  @ApiProperty({
    type: 'integer',
    example: 1,
    description: 'How many amendments were published (GET …/amendments)',
  })
  amendmentCount: number;

  @ApiProperty({
    example: EXAMPLE_IDS.need,
    nullable: true,
    type: String,
    format: 'uuid',
    description:
      'The need (GET /needs/{id}) this list was promoted from: the issuer organization and admins only (null for others, so an anonymous need is not tied to its enterprise)',
  })
  needId: string | null;

  @ApiProperty({
    example: 3,
    nullable: true,
    type: 'integer',
    description:
      'How many applications were submitted (and not withdrawn): null until closesAt has passed, so nobody learns it while applications are open',
  })
  submittedBidCount: number | null;

  @ApiProperty({ example: '2027-02-12T02:00:00.000Z', nullable: true, type: Date, format: 'date-time' })
  submittedAt: Date | null;

  @ApiProperty({ example: '2027-02-10T02:00:00.000Z', format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ example: '2027-03-15T02:00:00.000Z', format: 'date-time' })
  updatedAt: Date;
}

export class ConfidentialDetailsResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.challenge, format: 'uuid' })
  challengeId: string;

  @ApiProperty({
    example: '目标电网接入点为某 220kV 变电站，负荷曲线见附件。',
    description: 'The real specifications (保密内容)',
  })
  details: string;

  @ApiProperty({ type: [ChallengeAttachmentResponseDto] })
  attachments: ChallengeAttachmentResponseDto[];

  @ApiProperty({ example: '2027-02-10T02:00:00.000Z', format: 'date-time' })
  updatedAt: Date;
}

export class NdaResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.challenge, format: 'uuid' })
  challengeId: string;

  @ApiProperty({ example: EXAMPLE_IDS.leader, format: 'uuid' })
  userId: string;

  @ApiProperty({ example: EXAMPLE_IDS.leadOrganization, format: 'uuid' })
  organizationId: string;

  @ApiProperty({ example: '2027-03-02T06:00:00.000Z', format: 'date-time' })
  acceptedAt: Date;
}

export class AmendmentChangeDto {
  @ApiProperty({
    example: 'eligibility',
    description: 'The amended field of the challenge (closesAt, eligibility, …)',
  })
  field: string;

  @ApiPropertyOptional({
    example: {
      allowedOrganizationTypes: [],
      regionCodes: ['360100'],
      consortiumAllowed: true,
      leaderConcurrencyLimit: null,
    },
    description:
      "The value before, of the field's own type (an instant for closesAt, an object for eligibility, …); absent for confidential fields",
  })
  before?: unknown;

  @ApiPropertyOptional({
    example: {
      allowedOrganizationTypes: [],
      regionCodes: ['360000'],
      consortiumAllowed: true,
      leaderConcurrencyLimit: null,
    },
    description: 'The value after, of the same type as before; absent for confidential fields',
  })
  after?: unknown;

  @ApiPropertyOptional({
    example: false,
    description: 'true: a confidential field changed; its values are not shown',
  })
  confidential?: boolean;
}

export class AmendmentResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.amendment, format: 'uuid' })
  id: string;

  @ApiProperty({ example: EXAMPLE_IDS.challenge, format: 'uuid' })
  challengeId: string;

  @ApiProperty({ type: 'integer', example: 1, description: '1, 2, … per challenge' })
  number: number;

  @ApiProperty({ example: '延长揭榜截止时间两周' })
  reason: string;

  @ApiProperty({ type: [AmendmentChangeDto] })
  changes: AmendmentChangeDto[];

  @ApiProperty({ type: 'integer', example: 4, description: "The challenge's version after the amendment" })
  versionAfter: number;

  @ApiProperty({ example: '2027-03-15T02:00:00.000Z', format: 'date-time' })
  createdAt: Date;
}

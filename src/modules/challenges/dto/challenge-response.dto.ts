import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ORGANIZATION_TYPES } from '../../organizations/entities/organization.entity';
import type { OrganizationType } from '../../organizations/entities/organization.entity';
import { CHALLENGE_STATUSES } from '../challenge-status';
import type { ChallengeStatus } from '../challenge-status';
import { ATTACHMENT_VISIBILITIES } from '../entities/challenge-attachment.entity';
import type { AttachmentVisibility } from '../entities/challenge-attachment.entity';
import { OUTCOME_KINDS, SELECTION_MODES } from '../entities/challenge.entity';
import type { OutcomeKind, SelectionMode } from '../entities/challenge.entity';

export class OrganizationRefDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;
}

export class IndicatorResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty()
  targetValue: string;

  @ApiProperty()
  unit: string;

  @ApiProperty()
  verificationMethod: string;
}

export class ExpectedOutcomeResponseDto {
  @ApiProperty({ enum: OUTCOME_KINDS })
  kind: OutcomeKind;

  @ApiProperty()
  description: string;
}

export class EligibilityResponseDto {
  @ApiProperty({ enum: ORGANIZATION_TYPES, isArray: true, description: 'Empty: every type' })
  allowedOrganizationTypes: OrganizationType[];

  @ApiProperty({ type: [String], description: 'Empty: anywhere' })
  regionCodes: string[];

  @ApiProperty()
  consortiumAllowed: boolean;

  @ApiProperty({ nullable: true, type: Number, description: "null: the program's maxActiveListsPerLeader" })
  leaderConcurrencyLimit: number | null;
}

export class ChallengeAttachmentResponseDto {
  @ApiProperty({ format: 'uuid' })
  attachmentId: string;

  @ApiProperty()
  filename: string;

  @ApiProperty()
  contentType: string;

  @ApiProperty()
  sizeBytes: number;

  @ApiProperty({ description: 'SHA-256 of the content, hex' })
  sha256: string;

  @ApiProperty({ enum: ATTACHMENT_VISIBILITIES })
  visibility: AttachmentVisibility;

  @ApiProperty({ description: 'Where to download it: GET this path (public ones need no credentials)' })
  href: string;
}

const STATUS_DESCRIPTION =
  'The status by the clock: a published list is `open` from opensAt and `closed` from closesAt to the ' +
  'millisecond, whether or not the deadline job has run yet.';

/** One row of `GET /challenges`: the public summary, no background, indicators or confidential part. */
export class ChallengeSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ nullable: true, type: String, example: 'JB-2027-0042', description: 'Assigned at approval' })
  code: string | null;

  @ApiProperty({ format: 'uuid' })
  programId: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ example: 'key_technology' })
  category: string;

  @ApiProperty({ example: 'new_materials' })
  industryChain: string;

  @ApiProperty({ type: OrganizationRefDto })
  issuerOrganization: OrganizationRefDto;

  @ApiProperty({ example: '360100' })
  regionCode: string;

  @ApiProperty()
  publicSummary: string;

  @ApiProperty({ description: 'fiscalFen + cofundingFen, in fen' })
  totalFen: number;

  @ApiProperty()
  fiscalFen: number;

  @ApiProperty()
  cofundingFen: number;

  @ApiProperty({ format: 'date-time' })
  opensAt: Date;

  @ApiProperty({ format: 'date-time' })
  closesAt: Date;

  @ApiProperty({ enum: SELECTION_MODES })
  selectionMode: SelectionMode;

  @ApiProperty()
  teamCount: number;

  @ApiProperty({ enum: CHALLENGE_STATUSES, description: STATUS_DESCRIPTION })
  status: ChallengeStatus;

  @ApiProperty({ nullable: true, type: Date, format: 'date-time' })
  publishedAt: Date | null;

  @ApiProperty()
  version: number;
}

/** `GET /challenges/{id}`: everything but the confidential details and confidential attachments. */
export class ChallengeResponseDto extends ChallengeSummaryDto {
  @ApiProperty()
  background: string;

  @ApiProperty({ type: [IndicatorResponseDto] })
  indicators: IndicatorResponseDto[];

  @ApiProperty({ type: [ExpectedOutcomeResponseDto] })
  expectedOutcomes: ExpectedOutcomeResponseDto[];

  @ApiProperty()
  durationMonths: number;

  @ApiProperty({ type: EligibilityResponseDto })
  eligibility: EligibilityResponseDto;

  @ApiProperty({
    type: [ChallengeAttachmentResponseDto],
    description: 'Public attachments; the issuer organization and admins also see the confidential ones',
  })
  attachments: ChallengeAttachmentResponseDto[];

  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'Why it was rejected (issuer and admin only) or cancelled (everyone)',
  })
  statusReason: string | null;

  @ApiProperty({ description: 'How many amendments were published (GET …/amendments)' })
  amendmentCount: number;

  @ApiProperty({
    nullable: true,
    type: Number,
    description:
      'How many bids were submitted (and not withdrawn): null until closesAt has passed, so nobody learns it while bidding is open',
  })
  submittedBidCount: number | null;

  @ApiProperty({ nullable: true, type: Date, format: 'date-time' })
  submittedAt: Date | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ format: 'date-time' })
  updatedAt: Date;
}

export class ConfidentialDetailsResponseDto {
  @ApiProperty({ format: 'uuid' })
  challengeId: string;

  @ApiProperty({ description: 'The real specifications (保密内容)' })
  details: string;

  @ApiProperty({ type: [ChallengeAttachmentResponseDto] })
  attachments: ChallengeAttachmentResponseDto[];

  @ApiProperty({ format: 'date-time' })
  updatedAt: Date;
}

export class NdaResponseDto {
  @ApiProperty({ format: 'uuid' })
  challengeId: string;

  @ApiProperty({ format: 'uuid' })
  userId: string;

  @ApiProperty({ format: 'uuid' })
  organizationId: string;

  @ApiProperty({ format: 'date-time' })
  acceptedAt: Date;
}

export class AmendmentChangeDto {
  @ApiProperty({ example: 'closesAt' })
  field: string;

  @ApiPropertyOptional({ description: 'The value before (absent for confidential fields)' })
  before?: unknown;

  @ApiPropertyOptional({ description: 'The value after (absent for confidential fields)' })
  after?: unknown;

  @ApiPropertyOptional({ description: 'true: a confidential field changed; its values are not shown' })
  confidential?: boolean;
}

export class AmendmentResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  challengeId: string;

  @ApiProperty({ description: '1, 2, … per list' })
  number: number;

  @ApiProperty()
  reason: string;

  @ApiProperty({ type: [AmendmentChangeDto] })
  changes: AmendmentChangeDto[];

  @ApiProperty({ description: "The list's version after the amendment" })
  versionAfter: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ASSIGNMENT_STATUSES } from '../entities/review-assignment.entity';
import type { AssignmentStatus } from '../entities/review-assignment.entity';
import { PANEL_MEMBER_STATUSES, PANEL_ROLES } from '../entities/panel-member.entity';
import type { PanelMemberStatus, PanelRole } from '../entities/panel-member.entity';
import { PANEL_STATUSES } from '../entities/review-panel.entity';
import type { PanelStatus } from '../entities/review-panel.entity';

// ───────────────────────────────────────────── the admin's panel view

export class PanelMemberDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  expertId: string;

  @ApiProperty({ description: "The expert's name (admins only)" })
  expertName: string;

  @ApiProperty({ enum: PANEL_ROLES })
  role: PanelRole;

  @ApiProperty({ description: 'Order within the role in the seeded draw, from 1' })
  position: number;

  @ApiProperty({ enum: PANEL_MEMBER_STATUSES })
  status: PanelMemberStatus;

  @ApiProperty({ nullable: true, type: String })
  statusReason: string | null;

  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'The reserve that replaced it' })
  replacedBy: string | null;
}

export class PanelAssignmentProgressDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  panelMemberId: string;

  @ApiProperty({ format: 'uuid' })
  applicationId: string;

  @ApiProperty({ enum: ASSIGNMENT_STATUSES, description: 'Progress only: never scores' })
  status: AssignmentStatus;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  declaredAt: Date | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  submittedAt: Date | null;
}

export class ReviewPanelResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  challengeId: string;

  @ApiProperty({ enum: PANEL_STATUSES })
  status: PanelStatus;

  @ApiProperty({
    description: 'The draw seed (hex): with the candidate ids in the audit event it replays the draw',
  })
  seed: string;

  @ApiProperty({ format: 'date-time' })
  drawnAt: Date;

  @ApiProperty({ format: 'uuid' })
  drawnBy: string;

  @ApiProperty({
    format: 'date-time',
    example: '2027-04-16T02:00:00.000Z',
    description:
      "When the scores are due: the program's reviewWorkingDays working days after the draw (Asia/Shanghai, weekends skipped). " +
      'Experts with unsubmitted assignments are reminded at the reminderOffsetsHours before it; admins are told when it passes with scores missing',
  })
  dueAt: Date;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  closedAt: Date | null;

  @ApiProperty({ nullable: true, type: String })
  closeReason: string | null;

  @ApiProperty({ description: 'The number of members drawn (the program’s panel size at the draw)' })
  panelSize: number;

  @ApiProperty({ description: 'Members scoring now' })
  activeMembers: number;

  @ApiProperty({ description: 'Reserves still on standby' })
  reservesLeft: number;

  @ApiProperty({
    description:
      'panelSize − activeMembers: members replaced when no reserve was left. A short panel does not close by itself when its scores are in; the admin closes it with a reason',
  })
  missingMembers: number;

  @ApiProperty({ type: [PanelMemberDto] })
  members: PanelMemberDto[];

  @ApiProperty({ type: [PanelAssignmentProgressDto] })
  assignments: PanelAssignmentProgressDto[];

  @ApiProperty()
  version: number;
}

// ───────────────────────────────────────────── the expert's assignments

export class AssignmentChallengeDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ nullable: true, type: String, example: 'JB-2027-0001' })
  code: string | null;

  @ApiProperty()
  title: string;
}

export class ReviewAssignmentResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: AssignmentChallengeDto })
  challenge: AssignmentChallengeDto;

  @ApiProperty({
    example: '申请 2',
    description: 'The bid, named neutrally by its order of submission on the list: never its team',
  })
  bidLabel: string;

  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'The team name, only after declaring no conflict and only when the program is not blind; null otherwise',
  })
  teamName: string | null;

  @ApiProperty({ enum: ASSIGNMENT_STATUSES })
  status: AssignmentStatus;

  @ApiProperty({
    format: 'date-time',
    example: '2027-04-16T02:00:00.000Z',
    description:
      "When the panel's scores are due; you are reminded before it while this assignment is not submitted",
  })
  dueAt: Date;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  declaredAt: Date | null;

  @ApiProperty({ nullable: true, type: String })
  declarationReason: string | null;

  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: { type: 'number' },
    description: "Your own saved scores (nobody else's)",
  })
  scores: Record<string, number> | null;

  @ApiProperty({ nullable: true, type: 'object', additionalProperties: { type: 'string' } })
  comments: Record<string, string> | null;

  @ApiProperty({ nullable: true, type: Number, description: 'Your total out of 100, once submitted' })
  total: number | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  savedAt: Date | null;

  @ApiProperty({ nullable: true, type: String, format: 'date-time' })
  submittedAt: Date | null;

  @ApiProperty({ description: 'The ETag: send it in If-Match to save or submit' })
  version: number;
}

export class ReplacementOutcomeDto {
  @ApiProperty({ enum: PANEL_MEMBER_STATUSES, description: 'replaced' })
  memberStatus: PanelMemberStatus;

  @ApiProperty({ description: 'Whether a reserve took the place (false: none was left; the admin sees it)' })
  reserveCalled: boolean;
}

export class DeclarationResponseDto extends ReviewAssignmentResponseDto {
  @ApiPropertyOptional({ type: ReplacementOutcomeDto, description: 'Present when the expert left the panel' })
  replacement?: ReplacementOutcomeDto;
}

// ───────────────────────────────────────────── the bid as an expert reads it

export class ReviewCommitmentDto {
  @ApiProperty({ example: '临界电流' })
  indicatorName: string;

  @ApiProperty({ example: '≥ 500' })
  targetValue: string;

  @ApiProperty({ example: 'A' })
  unit: string;

  @ApiProperty({ example: '≥ 600' })
  committedValue: string;
}

export class ReviewMilestoneDto {
  @ApiProperty()
  title: string;

  @ApiProperty()
  deliverables: string;

  @ApiProperty()
  dueMonth: number;

  @ApiProperty()
  sharePercent: number;
}

export class BlindAttachmentDto {
  @ApiProperty({ example: '附件1', description: 'A neutral label: the file name is withheld' })
  label: string;

  @ApiProperty({ example: 'application/pdf' })
  contentType: string;

  @ApiProperty()
  sizeBytes: number;
}

export class RubricCriterionDto {
  @ApiProperty()
  key: string;

  @ApiProperty()
  name: string;

  @ApiProperty()
  weight: number;

  @ApiProperty()
  maxScore: number;
}

/**
 * The bid as an expert of a BLIND program reads it: the content to score and nothing that names
 * the team — no team, organization or member names or ids, no leader, no region, no file names.
 */
export class BlindReviewApplicationDto {
  @ApiProperty({ enum: [true], description: 'true: this is the blind view' })
  blind: true;

  @ApiProperty({ format: 'uuid' })
  assignmentId: string;

  @ApiProperty({ example: '申请 2' })
  bidLabel: string;

  @ApiProperty({ type: AssignmentChallengeDto })
  challenge: AssignmentChallengeDto;

  @ApiProperty()
  technicalPlan: string;

  @ApiProperty({ description: 'Fiscal funding requested, in fen' })
  requestedFiscalFen: number;

  @ApiProperty({ type: [ReviewCommitmentDto] })
  indicatorCommitments: ReviewCommitmentDto[];

  @ApiProperty({ type: [ReviewMilestoneDto] })
  milestones: ReviewMilestoneDto[];

  @ApiProperty({ type: [BlindAttachmentDto] })
  attachments: BlindAttachmentDto[];

  @ApiProperty({ type: [RubricCriterionDto], description: 'What to score' })
  rubric: RubricCriterionDto[];
}

export class ReviewOrganizationDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ example: '360100' })
  regionCode: string;
}

export class ReviewConsortiumMemberDto {
  @ApiProperty({ type: ReviewOrganizationDto })
  organization: ReviewOrganizationDto;

  @ApiProperty()
  role: string;
}

export class ReviewTeamMemberDto {
  @ApiProperty()
  name: string;

  @ApiProperty()
  title: string;

  @ApiProperty()
  role: string;

  @ApiProperty()
  organizationName: string;
}

export class ReviewTeamDto {
  @ApiProperty()
  name: string;

  @ApiProperty()
  leaderName: string;

  @ApiProperty({ type: ReviewOrganizationDto })
  leadOrganization: ReviewOrganizationDto;

  @ApiProperty({ type: [ReviewConsortiumMemberDto] })
  consortium: ReviewConsortiumMemberDto[];

  @ApiProperty({ type: [ReviewTeamMemberDto] })
  members: ReviewTeamMemberDto[];
}

export class ReviewAttachmentDto extends BlindAttachmentDto {
  @ApiProperty()
  filename: string;
}

/** The bid as an expert of an open (not blind) program reads it: the content and the team. */
export class OpenReviewApplicationDto {
  @ApiProperty({ enum: [false] })
  blind: false;

  @ApiProperty({ format: 'uuid' })
  assignmentId: string;

  @ApiProperty({ example: '申请 2' })
  bidLabel: string;

  @ApiProperty({ type: AssignmentChallengeDto })
  challenge: AssignmentChallengeDto;

  @ApiProperty()
  technicalPlan: string;

  @ApiProperty()
  requestedFiscalFen: number;

  @ApiProperty({ type: [ReviewCommitmentDto] })
  indicatorCommitments: ReviewCommitmentDto[];

  @ApiProperty({ type: [ReviewMilestoneDto] })
  milestones: ReviewMilestoneDto[];

  @ApiProperty({ type: [ReviewAttachmentDto] })
  attachments: ReviewAttachmentDto[];

  @ApiProperty({ type: [RubricCriterionDto] })
  rubric: RubricCriterionDto[];

  @ApiProperty({ type: ReviewTeamDto })
  team: ReviewTeamDto;
}

export type ReviewApplicationDto = BlindReviewApplicationDto | OpenReviewApplicationDto;

// ───────────────────────────────────────────── ranking

export class RankingItemDto {
  @ApiProperty({ description: '1..n, never shared (docs/adr/0023 tie-breaks)' })
  rank: number;

  @ApiProperty({ format: 'uuid' })
  applicationId: string;

  @ApiProperty({ example: '申请 2' })
  bidLabel: string;

  @ApiProperty({
    nullable: true,
    type: String,
    description: "The team's name; null for the issuer when the program hides applicants' identities",
  })
  teamName: string | null;

  @ApiProperty({ nullable: true, type: Number, description: 'The number that ranks and meets the pass line' })
  score: number | null;

  @ApiProperty({ nullable: true, type: Number })
  mean: number | null;

  @ApiProperty({ nullable: true, type: Number, description: 'null when trimming did not apply' })
  trimmedMean: number | null;

  @ApiProperty({ nullable: true, type: Number })
  median: number | null;

  @ApiProperty({ nullable: true, type: Number, description: 'max − min of the totals' })
  spread: number | null;

  @ApiProperty()
  scoreCount: number;

  @ApiProperty({ description: 'Totals more than outlierThresholdPoints from the median' })
  outlierCount: number;

  @ApiPropertyOptional({
    type: [String],
    description: 'Admins only: the assignments whose totals are outliers (never the experts’ names)',
  })
  outlierAssignmentIds?: string[];

  @ApiProperty()
  passes: boolean;

  @ApiProperty({
    nullable: true,
    enum: ['median', 'minTotal', 'submittedAt', 'applicationId'],
    description: 'The key that placed it below the bid above it when their scores are equal',
  })
  tieBrokenBy: string | null;
}

export class RankingResponseDto {
  @ApiProperty({ format: 'uuid' })
  challengeId: string;

  @ApiProperty({ format: 'date-time' })
  closedAt: Date;

  @ApiProperty({ nullable: true, type: String })
  closeReason: string | null;

  @ApiProperty({ enum: ['trimmed_mean', 'mean'] })
  aggregation: string;

  @ApiProperty()
  passLine: number;

  @ApiProperty()
  outlierThresholdPoints: number;

  @ApiProperty({ type: [RankingItemDto] })
  items: RankingItemDto[];
}

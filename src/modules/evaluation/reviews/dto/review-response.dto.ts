import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ASSIGNMENT_STATUSES } from '../entities/review-assignment.entity';
import type { AssignmentStatus } from '../entities/review-assignment.entity';
import { PANEL_MEMBER_STATUSES, PANEL_ROLES } from '../entities/panel-member.entity';
import type { PanelMemberStatus, PanelRole } from '../entities/panel-member.entity';
import { PANEL_STATUSES } from '../entities/review-panel.entity';
import type { PanelStatus } from '../entities/review-panel.entity';
import { EXAMPLE_IDS, EXAMPLE_TIMES, EXAMPLE_TEXT, EXAMPLE_FEN } from '../../../../common/openapi/examples';
import { RubricCriterionDto } from '../../../call/programs/dto/program.dto';

// ───────────────────────────────────────────── the admin's panel view

export class PanelMemberDto {
  @ApiProperty({ example: EXAMPLE_IDS.panelMember, format: 'uuid' })
  id: string;

  @ApiProperty({ example: EXAMPLE_IDS.expert, format: 'uuid' })
  expertId: string;

  @ApiProperty({ example: EXAMPLE_TEXT.expertName, description: "The expert's name (admins only)" })
  expertName: string;

  @ApiProperty({ enum: PANEL_ROLES })
  role: PanelRole;

  @ApiProperty({
    type: 'integer',
    example: 1,
    description: 'Order within the role in the seeded draw, from 1',
  })
  position: number;

  @ApiProperty({ enum: PANEL_MEMBER_STATUSES })
  status: PanelMemberStatus;

  @ApiProperty({ example: '曾与申报单位合作承担相关课题', nullable: true, type: String })
  statusReason: string | null;

  @ApiProperty({
    example: EXAMPLE_IDS.reserveMember,
    nullable: true,
    type: String,
    format: 'uuid',
    description: 'The reserve that replaced it',
  })
  replacedBy: string | null;
}

export class PanelAssignmentProgressDto {
  @ApiProperty({ example: EXAMPLE_IDS.reviewAssignment, format: 'uuid' })
  id: string;

  @ApiProperty({ example: EXAMPLE_IDS.panelMember, format: 'uuid' })
  panelMemberId: string;

  @ApiProperty({ example: EXAMPLE_IDS.application, format: 'uuid' })
  applicationId: string;

  @ApiProperty({ enum: ASSIGNMENT_STATUSES, description: 'Progress only: never scores' })
  status: AssignmentStatus;

  @ApiProperty({ example: '2027-05-11T01:30:00.000Z', nullable: true, type: String, format: 'date-time' })
  declaredAt: Date | null;

  @ApiProperty({ example: EXAMPLE_TIMES.scored, nullable: true, type: String, format: 'date-time' })
  submittedAt: Date | null;
}

export class ReviewPanelResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.reviewPanel, format: 'uuid' })
  id: string;

  @ApiProperty({ example: EXAMPLE_IDS.challenge, format: 'uuid' })
  challengeId: string;

  @ApiProperty({ enum: PANEL_STATUSES })
  status: PanelStatus;

  @ApiProperty({
    example: '8bb90a59f0c342ca138455dcb156bd7567659be9f66b032cc8029af3b555158b',
    description: 'The draw seed (hex): with the candidate ids in the audit event it replays the draw',
  })
  seed: string;

  @ApiProperty({ example: EXAMPLE_TIMES.drawn, format: 'date-time' })
  drawnAt: Date;

  @ApiProperty({ example: EXAMPLE_IDS.admin, format: 'uuid' })
  drawnBy: string;

  @ApiProperty({
    format: 'date-time',
    example: EXAMPLE_TIMES.reviewDue,
    description:
      "When the scores are due: the program's reviewWorkingDays working days after the draw (Asia/Shanghai, by the official calendar: weekends and public holidays skipped, make-up working days counted). " +
      'Experts with unsubmitted assignments are reminded at the reminderOffsetsHours before it; admins are told when it passes with scores missing',
  })
  dueAt: Date;

  @ApiProperty({ example: EXAMPLE_TIMES.reviewClosed, nullable: true, type: String, format: 'date-time' })
  closedAt: Date | null;

  @ApiProperty({ example: '两位专家因故无法完成评分，经批准提前结束评审', nullable: true, type: String })
  closeReason: string | null;

  @ApiProperty({
    type: 'integer',
    example: 5,
    description: 'The number of members drawn (the program’s panel size at the draw)',
  })
  panelSize: number;

  @ApiProperty({ type: 'integer', example: 5, description: 'Members scoring now' })
  activeMembers: number;

  @ApiProperty({ type: 'integer', example: 1, description: 'Reserves still on standby' })
  reservesLeft: number;

  @ApiProperty({
    type: 'integer',
    example: 0,
    description:
      'panelSize − activeMembers: members replaced when no reserve was left. A short panel does not close by itself when its scores are in; the admin closes it with a reason',
  })
  missingMembers: number;

  @ApiProperty({ type: [PanelMemberDto] })
  members: PanelMemberDto[];

  @ApiProperty({ type: [PanelAssignmentProgressDto] })
  assignments: PanelAssignmentProgressDto[];

  @ApiProperty({ type: 'integer', example: 3 })
  version: number;
}

// ───────────────────────────────────────────── the expert's assignments

export class AssignmentChallengeDto {
  @ApiProperty({ example: EXAMPLE_IDS.challenge, format: 'uuid' })
  id: string;

  @ApiProperty({ nullable: true, type: String, example: 'JB-2027-0001' })
  code: string | null;

  @ApiProperty({ example: EXAMPLE_TEXT.challengeTitle })
  title: string;
}

export class ReviewAssignmentResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.reviewAssignment, format: 'uuid' })
  id: string;

  @ApiProperty({ type: AssignmentChallengeDto })
  challenge: AssignmentChallengeDto;

  @ApiProperty({
    example: '申请 2',
    description:
      'The application, named neutrally by its order of submission on the challenge: never its team',
  })
  bidLabel: string;

  @ApiProperty({
    example: EXAMPLE_TEXT.teamName,
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
    example: EXAMPLE_TIMES.reviewDue,
    description:
      "When the panel's scores are due; you are reminded before it while this assignment is not submitted",
  })
  dueAt: Date;

  @ApiProperty({ example: '2027-05-11T01:30:00.000Z', nullable: true, type: String, format: 'date-time' })
  declaredAt: Date | null;

  @ApiProperty({ example: '曾与申报单位合作承担相关课题', nullable: true, type: String })
  declarationReason: string | null;

  @ApiProperty({
    example: {
      technical_approach: 26,
      team_capability: 22.5,
      indicator_commitments: 21.5,
      budget_soundness: 8.5,
      industrial_value: 9,
    },
    nullable: true,
    type: 'object',
    additionalProperties: { type: 'number' },
    description: "Your own saved scores (nobody else's)",
  })
  scores: Record<string, number> | null;

  @ApiProperty({
    example: { technical_approach: '技术路线清晰，中试方案可行' },
    nullable: true,
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  comments: Record<string, string> | null;

  @ApiProperty({
    example: 87.5,
    nullable: true,
    type: Number,
    description: 'Your total out of 100, once submitted',
  })
  total: number | null;

  @ApiProperty({ example: '2027-05-17T09:00:00.000Z', nullable: true, type: String, format: 'date-time' })
  savedAt: Date | null;

  @ApiProperty({ example: EXAMPLE_TIMES.scored, nullable: true, type: String, format: 'date-time' })
  submittedAt: Date | null;

  @ApiProperty({
    type: 'integer',
    example: 4,
    description: 'The ETag: send it in If-Match to save or submit',
  })
  version: number;
}

export class ReplacementOutcomeDto {
  @ApiProperty({ enum: PANEL_MEMBER_STATUSES, description: 'replaced' })
  memberStatus: PanelMemberStatus;

  @ApiProperty({
    example: true,
    description: 'Whether a reserve took the place (false: none was left; the admin sees it)',
  })
  reserveCalled: boolean;
}

export class DeclarationResponseDto extends ReviewAssignmentResponseDto {
  @ApiPropertyOptional({ type: ReplacementOutcomeDto, description: 'Present when the expert left the panel' })
  replacement?: ReplacementOutcomeDto;
}

// ───────────────────────────────────────────── the application as an expert reads it

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
  @ApiProperty({ example: '完成样机研制' })
  title: string;

  @ApiProperty({ example: '10 米电缆样机 1 套及检测报告' })
  deliverables: string;

  @ApiProperty({ type: 'integer', example: 6 })
  dueMonth: number;

  @ApiProperty({ example: 40 })
  sharePercent: number;
}

export class BlindAttachmentDto {
  @ApiProperty({ example: '附件1', description: 'A neutral label: the file name is withheld' })
  label: string;

  @ApiProperty({ example: 'application/pdf' })
  contentType: string;

  @ApiProperty({ type: 'integer', example: 482133 })
  sizeBytes: number;
}

/**
 * The application as an expert of a BLIND program reads it: the content to score and nothing that names
 * the team — no team, organization or member names or ids, no leader, no region, no file names.
 */
export class BlindReviewApplicationDto {
  @ApiProperty({ enum: [true], description: 'true: this is the blind view' })
  blind: true;

  @ApiProperty({ example: EXAMPLE_IDS.reviewAssignment, format: 'uuid' })
  assignmentId: string;

  @ApiProperty({ example: '申请 2' })
  bidLabel: string;

  @ApiProperty({ type: AssignmentChallengeDto })
  challenge: AssignmentChallengeDto;

  @ApiProperty({ example: '采用第二代高温超导带材，分三阶段完成电缆样机研制与挂网试验。' })
  technicalPlan: string;

  @ApiProperty({
    type: 'integer',
    example: EXAMPLE_FEN.fiscal,
    description: 'Fiscal funding requested, in fen',
  })
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
  @ApiProperty({ example: EXAMPLE_IDS.leadOrganization, format: 'uuid' })
  id: string;

  @ApiProperty({ example: EXAMPLE_TEXT.leadOrganization })
  name: string;

  @ApiProperty({ example: '360100' })
  regionCode: string;
}

export class ReviewConsortiumMemberDto {
  @ApiProperty({ type: ReviewOrganizationDto })
  organization: ReviewOrganizationDto;

  @ApiProperty({ example: '负责样机工程化与中试' })
  role: string;
}

export class ReviewTeamMemberDto {
  @ApiProperty({ example: '张伟' })
  name: string;

  @ApiProperty({ example: '研究员' })
  title: string;

  @ApiProperty({ example: '超导带材制备' })
  role: string;

  @ApiProperty({ example: EXAMPLE_TEXT.partnerOrganization })
  organizationName: string;
}

export class ReviewTeamDto {
  @ApiProperty({ example: EXAMPLE_TEXT.teamName })
  name: string;

  @ApiProperty({ example: EXAMPLE_TEXT.leaderName })
  leaderName: string;

  @ApiProperty({ type: ReviewOrganizationDto })
  leadOrganization: ReviewOrganizationDto;

  @ApiProperty({ type: [ReviewConsortiumMemberDto] })
  consortium: ReviewConsortiumMemberDto[];

  @ApiProperty({ type: [ReviewTeamMemberDto] })
  members: ReviewTeamMemberDto[];
}

export class ReviewAttachmentDto extends BlindAttachmentDto {
  @ApiProperty({ example: '项目申报书.pdf' })
  filename: string;
}

/** The application as an expert of an open (not blind) program reads it: the content and the team. */
export class OpenReviewApplicationDto {
  @ApiProperty({ enum: [false] })
  blind: false;

  @ApiProperty({ example: EXAMPLE_IDS.reviewAssignment, format: 'uuid' })
  assignmentId: string;

  @ApiProperty({ example: '申请 2' })
  bidLabel: string;

  @ApiProperty({ type: AssignmentChallengeDto })
  challenge: AssignmentChallengeDto;

  @ApiProperty({ example: '采用第二代高温超导带材，分三阶段完成电缆样机研制与挂网试验。' })
  technicalPlan: string;

  @ApiProperty({ type: 'integer', example: EXAMPLE_FEN.fiscal })
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

export { RankingItemDto, RankingResponseDto } from './ranking-response.dto';

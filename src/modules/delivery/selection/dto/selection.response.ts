import { ApiProperty } from '@nestjs/swagger';
import { CHALLENGE_STATUSES } from '../../../call/challenges/challenge-status';
import { OBJECTION_STATUSES } from '../entities/objection.entity';
import type { ObjectionStatus } from '../entities/objection.entity';
import { EXAMPLE_IDS, EXAMPLE_TIMES } from '../../../../common/openapi/examples';

const SELECTION_STATUSES = ['active', 'reopened', 'finalized'] as const;

/** The OpenAPI shapes of the views selection.service.ts answers (ChallengeStateView and the others). */
export class ChallengeStateDto {
  @ApiProperty({ example: EXAMPLE_IDS.challenge, format: 'uuid', description: 'The challenge' })
  id: string;

  @ApiProperty({ enum: CHALLENGE_STATUSES, example: 'publicity', description: 'The stored status' })
  status: string;

  @ApiProperty({ type: 'integer', example: 7, description: "The challenge's version, for If-Match" })
  version: number;

  @ApiProperty({
    example: EXAMPLE_IDS.selection,
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The current selection',
  })
  selectionId: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    example: '2027-06-08T23:59:59.999+08:00',
  })
  publicityEndsAt: string | null;
}

export class PublicitySelectedDto {
  @ApiProperty({ example: EXAMPLE_IDS.application, format: 'uuid' })
  applicationId: string;

  @ApiProperty({ example: '高温超导攻关团队' })
  teamName: string;

  @ApiProperty({ example: '江西某新材料有限公司' })
  leadOrganizationName: string;

  @ApiProperty({ type: Number, nullable: true, example: 86.5, description: 'The aggregated review score' })
  score: number | null;

  @ApiProperty({ type: 'integer', example: 1 })
  rank: number;
}

/** The publicity notice (公示): public, without grounds or objectors. */
export class PublicityNoticeDto {
  @ApiProperty({ example: EXAMPLE_IDS.challenge, format: 'uuid' })
  challengeId: string;

  @ApiProperty({ type: String, nullable: true, example: 'JB-2027-0001' })
  code: string | null;

  @ApiProperty({ example: '高温超导带材关键技术攻关' })
  title: string;

  @ApiProperty({
    enum: SELECTION_STATUSES,
    example: 'active',
    description: 'The selection: finalized after the award',
  })
  status: string;

  @ApiProperty({ example: EXAMPLE_TIMES.publicityStarts, format: 'date-time' })
  publicityStartsAt: string;

  @ApiProperty({ example: EXAMPLE_TIMES.publicityEnds, format: 'date-time' })
  publicityEndsAt: string;

  @ApiProperty({ type: [PublicitySelectedDto], description: 'By rank' })
  selected: PublicitySelectedDto[];

  @ApiProperty({ type: 'integer', example: 0 })
  objectionCount: number;
}

export class ObjectionResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.objection, format: 'uuid' })
  id: string;

  @ApiProperty({ example: EXAMPLE_IDS.challenge, format: 'uuid' })
  challengeId: string;

  @ApiProperty({ example: EXAMPLE_IDS.selection, format: 'uuid' })
  selectionId: string;

  @ApiProperty({ example: '中选团队的业绩材料与事实不符' })
  grounds: string;

  @ApiProperty({ enum: OBJECTION_STATUSES, example: 'lodged' })
  status: ObjectionStatus;

  @ApiProperty({ example: '经核查，业绩材料属实，异议不成立', type: String, nullable: true })
  decisionReason: string | null;

  @ApiProperty({ example: '2027-06-07T02:00:00.000Z', type: String, format: 'date-time', nullable: true })
  decidedAt: string | null;

  @ApiProperty({ example: '2027-06-03T02:00:00.000Z', format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: 'integer', example: 1 })
  version: number;
}

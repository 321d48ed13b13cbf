import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SESSION_KINDS, SESSION_OUTCOMES, SESSION_STATUSES } from '../session-status';
import type { SessionKind, SessionOutcome, SessionStatus } from '../session-status';
import { EXAMPLE_IDS } from '../../../../common/openapi/examples';

/**
 * A defence or site-visit session. `minutes` and `outcome` are review material: only admins get
 * them (the challenge's issuer and the application's organization see when, where and the status).
 */
export class SessionResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.session, format: 'uuid' })
  id: string;

  @ApiProperty({ example: EXAMPLE_IDS.challenge, format: 'uuid' })
  challengeId: string;

  @ApiProperty({
    example: EXAMPLE_IDS.application,
    format: 'uuid',
    description: 'The application; no team or organization names are given',
  })
  applicationId: string;

  @ApiProperty({ enum: SESSION_KINDS })
  kind: SessionKind;

  @ApiProperty({ example: '2027-05-20T01:30:00.000Z', format: 'date-time' })
  scheduledAt: Date;

  @ApiProperty({ type: 'integer', example: 90 })
  durationMinutes: number;

  @ApiProperty({ example: '南昌市红谷滩区科技大厦 3 楼会议室', nullable: true, type: String })
  location: string | null;

  @ApiProperty({ example: 'https://meeting.example.cn/j/123456', nullable: true, type: String })
  meetingLink: string | null;

  @ApiProperty({ enum: SESSION_STATUSES })
  status: SessionStatus;

  @ApiPropertyOptional({
    example: '答辩团队介绍技术路线，专家组提问并形成意见。',
    nullable: true,
    type: String,
    description: 'Admins only; set once held',
  })
  minutes?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    enum: SESSION_OUTCOMES,
    description: 'Admins only; set once held',
  })
  outcome?: SessionOutcome | null;

  @ApiProperty({
    example: '专家组时间冲突，另行安排',
    nullable: true,
    type: String,
    description: 'Set once cancelled',
  })
  cancelReason: string | null;

  @ApiProperty({
    type: 'integer',
    example: 2,
    description: 'Served as the ETag; send it back in If-Match to change the session',
  })
  version: number;

  @ApiProperty({ example: '2027-05-12T02:00:00.000Z', format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ example: '2027-05-20T03:30:00.000Z', format: 'date-time' })
  updatedAt: Date;
}

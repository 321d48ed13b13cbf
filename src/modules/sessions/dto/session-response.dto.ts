import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SESSION_KINDS, SESSION_OUTCOMES, SESSION_STATUSES } from '../session-status';
import type { SessionKind, SessionOutcome, SessionStatus } from '../session-status';

/**
 * A defence or site-visit session. `minutes` and `outcome` are review material: only admins get
 * them (the list's issuer and the bid's organization see when, where and the status).
 */
export class SessionResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  challengeId: string;

  @ApiProperty({ format: 'uuid', description: 'The bid; no team or organization names are given' })
  applicationId: string;

  @ApiProperty({ enum: SESSION_KINDS })
  kind: SessionKind;

  @ApiProperty({ format: 'date-time' })
  scheduledAt: Date;

  @ApiProperty()
  durationMinutes: number;

  @ApiProperty({ nullable: true, type: String })
  location: string | null;

  @ApiProperty({ nullable: true, type: String })
  meetingLink: string | null;

  @ApiProperty({ enum: SESSION_STATUSES })
  status: SessionStatus;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'Admins only; set once held' })
  minutes?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    enum: SESSION_OUTCOMES,
    description: 'Admins only; set once held',
  })
  outcome?: SessionOutcome | null;

  @ApiProperty({ nullable: true, type: String, description: 'Set once cancelled' })
  cancelReason: string | null;

  @ApiProperty({ description: 'Served as the ETag; send it back in If-Match to change the session' })
  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ format: 'date-time' })
  updatedAt: Date;
}

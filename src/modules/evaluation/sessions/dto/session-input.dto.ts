import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { PageQueryDto } from '../../../../common/pagination/pagination';
import { ISO_INSTANT, ISO_INSTANT_SCHEMA } from '../../../call/challenges/dto/challenge-input.dto';
import { SESSION_KINDS, SESSION_OUTCOMES, SESSION_STATUSES } from '../session-status';
import type { SessionKind, SessionOutcome, SessionStatus } from '../session-status';
import { csvEnumProperty } from '../../../../common/openapi/csv-enum';
import { EXAMPLE_IDS } from '../../../../common/openapi/examples';

const NOT_BLANK = /\S/;
const instantMessage = (field: string) =>
  `${field} must be an ISO-8601 time with an offset, like 2027-03-05T09:30:00+08:00`;
const HTTPS_URL = { protocols: ['https'], require_protocol: true, require_valid_protocol: true };
const LINK_MESSAGE = 'meetingLink must be an https URL';

export const MAX_SESSION_MINUTES = 24 * 60;
export const MAX_MINUTES_TEXT = 20_000;

export class CreateSessionDto {
  @ApiProperty({
    example: EXAMPLE_IDS.application,
    format: 'uuid',
    description: 'An application on this challenge, under_review or shortlisted',
  })
  @IsUUID()
  applicationId: string;

  @ApiProperty({ enum: SESSION_KINDS, description: 'defence: 答辩; site_visit: 现场考察' })
  @IsIn(SESSION_KINDS)
  kind: SessionKind;

  @ApiProperty({
    example: '2027-03-05T09:30:00+08:00',
    description: 'When it starts; in the future',
    ...ISO_INSTANT_SCHEMA,
  })
  @IsString()
  @Matches(ISO_INSTANT, { message: instantMessage('scheduledAt') })
  scheduledAt: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_SESSION_MINUTES, example: 90 })
  @IsInt()
  @Min(1)
  @Max(MAX_SESSION_MINUTES)
  durationMinutes: number;

  @ApiPropertyOptional({
    example: '南昌市红谷滩区科技大厦 3 楼会议室',
    maxLength: 500,
    description: 'Where: a location, a meetingLink, or both',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  @Matches(NOT_BLANK, { message: 'location must not be blank' })
  location?: string;

  @ApiPropertyOptional({ example: 'https://meeting.example.cn/j/123456', maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @IsUrl(HTTPS_URL, { message: LINK_MESSAGE })
  meetingLink?: string;
}

/**
 * One change of a session: a reschedule (no status, or `scheduled`: any of scheduledAt,
 * durationMinutes, location, meetingLink), `held` with minutes and outcome, or `cancelled` with a
 * reason. Fields of another kind of change are refused.
 */
export class UpdateSessionDto {
  @ApiPropertyOptional({
    enum: SESSION_STATUSES,
    description:
      'held: record minutes and outcome; cancelled: with a reason; absent or scheduled: reschedule',
  })
  @IsOptional()
  @IsIn(SESSION_STATUSES)
  status?: SessionStatus;

  @ApiPropertyOptional({
    example: '2027-03-06T14:00:00+08:00',
    description: 'Reschedule: a new start, in the future',
    ...ISO_INSTANT_SCHEMA,
  })
  @IsOptional()
  @IsString()
  @Matches(ISO_INSTANT, { message: instantMessage('scheduledAt') })
  scheduledAt?: string;

  @ApiPropertyOptional({ type: 'integer', example: 90, minimum: 1, maximum: MAX_SESSION_MINUTES })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_SESSION_MINUTES)
  durationMinutes?: number;

  @ApiPropertyOptional({
    example: '南昌市科技局三楼会议室',
    nullable: true,
    type: String,
    maxLength: 500,
    description: 'Reschedule: a new location; null removes it (a link must then remain)',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  @Matches(NOT_BLANK, { message: 'location must not be blank' })
  location?: string | null;

  @ApiPropertyOptional({
    example: 'https://meeting.example.cn/j/123456',
    nullable: true,
    type: String,
    maxLength: 2000,
    description: 'Reschedule: a new https link; null removes it (a location must then remain)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @IsUrl(HTTPS_URL, { message: LINK_MESSAGE })
  meetingLink?: string | null;

  @ApiPropertyOptional({
    example: '答辩团队介绍技术路线，专家组提问并形成意见。',
    maxLength: MAX_MINUTES_TEXT,
    description: 'Held: the minutes (会议纪要), required',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_MINUTES_TEXT)
  @Matches(NOT_BLANK, { message: 'minutes must not be blank' })
  minutes?: string;

  @ApiPropertyOptional({ enum: SESSION_OUTCOMES, description: 'Held: how it went, required' })
  @IsOptional()
  @IsIn(SESSION_OUTCOMES)
  outcome?: SessionOutcome;

  @ApiPropertyOptional({
    example: '专家组时间冲突，另行安排',
    maxLength: 1000,
    description: 'Cancelled: why, required',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  @Matches(NOT_BLANK, { message: 'reason must not be blank' })
  reason?: string;
}

export class ListSessionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    example: EXAMPLE_IDS.application,
    format: 'uuid',
    description: "Only this application's sessions",
  })
  @IsOptional()
  @IsUUID()
  applicationId?: string;

  @ApiPropertyOptional({
    description: 'One status or several, comma-separated',
    ...csvEnumProperty(SESSION_STATUSES),
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value,
  )
  @IsIn(SESSION_STATUSES, { each: true })
  status?: SessionStatus[];
}

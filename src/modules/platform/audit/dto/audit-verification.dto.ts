import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type as TransformType } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { EXAMPLE_IDS } from '../../../../common/openapi/examples';

/** The most seals one request checks: a request is bounded work; walk on with `nextFromSeq`. */
export const MAX_VERIFY_LIMIT = 10_000;
export const DEFAULT_VERIFY_LIMIT = 1_000;

export class AuditVerificationQueryDto {
  @ApiPropertyOptional({
    description: 'First seal (chain sequence number) to check; the previous seal is its anchor',
    type: 'integer',
    format: 'int64',
    minimum: 1,
    default: 1,
    example: 1,
  })
  @IsOptional()
  @TransformType(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  fromSeq?: number;

  @ApiPropertyOptional({
    description: 'How many seals to check at most',
    type: 'integer',
    format: 'int32',
    minimum: 1,
    maximum: MAX_VERIFY_LIMIT,
    default: DEFAULT_VERIFY_LIMIT,
    example: DEFAULT_VERIFY_LIMIT,
  })
  @IsOptional()
  @TransformType(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_VERIFY_LIMIT)
  limit?: number;
}

export class ChainBreakResponse {
  @ApiProperty({
    enum: [
      'content_changed',
      'row_missing',
      'seal_missing',
      'link_broken',
      'checkpoint_mismatch',
      'not_sealed',
    ],
    description:
      'content_changed: the row no longer hashes to its seal; row_missing: a sealed row is in neither audit_events nor the archive; seal_missing: a sequence number has no seal; link_broken: a seal does not name its predecessor; checkpoint_mismatch: a daily checkpoint disagrees with the chain',
  })
  reason: string;

  @ApiProperty({ type: 'integer', format: 'int64', nullable: true, example: 57 })
  seq: number | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: EXAMPLE_IDS.auditEvent })
  auditEventId: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'payment.confirmed' })
  action: string | null;

  @ApiProperty({ type: String, nullable: true, example: '2027-01-06T03:00:00.000000Z' })
  occurredAt: string | null;

  @ApiProperty({ example: 'the row in audit_events no longer hashes to its seal' })
  detail: string;
}

export class AuditVerificationResponse {
  @ApiProperty({ enum: ['ok', 'broken'] })
  status: 'ok' | 'broken';

  @ApiProperty({ type: 'integer', format: 'int64', example: 1 })
  fromSeq: number;

  @ApiProperty({ type: 'integer', format: 'int64', example: 1000, description: 'Last seal checked' })
  toSeq: number;

  @ApiProperty({ type: 'integer', example: 1000, description: 'Seals checked' })
  checked: number;

  @ApiProperty({ type: 'integer', example: 940, description: 'Of those, rows still in audit_events' })
  live: number;

  @ApiProperty({ type: 'integer', example: 60, description: 'Of those, rows in audit_events_archive' })
  archived: number;

  @ApiProperty({ type: 'integer', example: 3, description: 'Daily checkpoints checked' })
  checkpoints: number;

  @ApiProperty({ type: 'integer', format: 'int64', example: 4210, description: "The chain's last seal" })
  headSeq: number;

  @ApiProperty({ example: '9f2c0d4e6a8b1c3d5e7f9a0b2c4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f2a4b6c8d' })
  headHash: string;

  @ApiProperty({
    type: 'integer',
    format: 'int64',
    example: 60,
    description: 'Seals whose rows archival has moved to audit_events_archive',
  })
  archivedThroughSeq: number;

  @ApiProperty({
    type: 'integer',
    format: 'int64',
    nullable: true,
    example: 1001,
    description: 'Where the next request goes on (null: the head was reached, or the chain is broken)',
  })
  nextFromSeq: number | null;

  @ApiProperty({ type: ChainBreakResponse, nullable: true, description: 'The first link that does not hold' })
  firstBreak: ChainBreakResponse | null;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../../../common/pagination/pagination';
import { INTEGRITY_SUBJECTS, IntegrityRecordEntity } from '../entities/integrity-record.entity';
import type { IntegritySubject } from '../entities/integrity-record.entity';
import { EXAMPLE_IDS, EXAMPLE_TIMES, EXAMPLE_TEXT } from '../../../../common/openapi/examples';

export class ListIntegrityRecordsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: INTEGRITY_SUBJECTS, description: 'Records of a person or of an organization' })
  @IsOptional()
  @IsIn(INTEGRITY_SUBJECTS)
  subjectType?: IntegritySubject;

  @ApiPropertyOptional({
    example: EXAMPLE_IDS.leadOrganization,
    format: 'uuid',
    description: 'The user or organization the records are about',
  })
  @IsOptional()
  @IsUUID()
  subjectId?: string;
}

export class IntegrityRecordResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.integrityRecord, format: 'uuid' })
  id: string;

  @ApiProperty({ enum: INTEGRITY_SUBJECTS })
  subjectType: IntegritySubject;

  @ApiProperty({ example: EXAMPLE_IDS.leadOrganization, format: 'uuid' })
  subjectId: string;

  @ApiProperty({
    example: `项目验收不通过（未予尽职免责）：榜单 ${EXAMPLE_TEXT.challengeCode}「${EXAMPLE_TEXT.challengeTitle}」，验收 ${EXAMPLE_IDS.acceptance}，原因：临界电流未达到任务书承诺值`,
    description: 'Why, in words (e.g. the failed acceptance and its reason)',
  })
  reason: string;

  @ApiProperty({ example: 'acceptance', description: 'What produced it' })
  sourceType: string;

  @ApiProperty({
    example: EXAMPLE_IDS.acceptance,
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'e.g. the acceptance id',
  })
  sourceId: string | null;

  @ApiProperty({ example: EXAMPLE_TIMES.acceptanceDecided, format: 'date-time' })
  recordedAt: Date;
}

export function toIntegrityRecordResponse(r: IntegrityRecordEntity): IntegrityRecordResponseDto {
  return {
    id: r.id,
    subjectType: r.subjectType,
    subjectId: r.subjectId,
    reason: r.reason,
    sourceType: r.sourceType,
    sourceId: r.sourceId,
    recordedAt: r.recordedAt,
  };
}

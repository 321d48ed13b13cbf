import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/pagination';
import { INTEGRITY_SUBJECTS, IntegrityRecordEntity } from '../entities/integrity-record.entity';
import type { IntegritySubject } from '../entities/integrity-record.entity';

export class ListIntegrityRecordsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: INTEGRITY_SUBJECTS, description: 'Records of a person or of an organization' })
  @IsOptional()
  @IsIn(INTEGRITY_SUBJECTS)
  subjectType?: IntegritySubject;

  @ApiPropertyOptional({ format: 'uuid', description: 'The user or organization the records are about' })
  @IsOptional()
  @IsUUID()
  subjectId?: string;
}

export class IntegrityRecordResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: INTEGRITY_SUBJECTS })
  subjectType: IntegritySubject;

  @ApiProperty({ format: 'uuid' })
  subjectId: string;

  @ApiProperty({ description: 'Why, in words (e.g. the failed acceptance and its reason)' })
  reason: string;

  @ApiProperty({ example: 'acceptance', description: 'What produced it' })
  sourceType: string;

  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'e.g. the acceptance id' })
  sourceId: string | null;

  @ApiProperty({ format: 'date-time' })
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

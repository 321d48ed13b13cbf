import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../../common/pagination/pagination';

export class AuditEventQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'organization' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  objectType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(128)
  objectId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({ example: 'auth.login' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  action?: string;

  @ApiPropertyOptional({
    description: 'From this time (inclusive), ISO-8601',
    example: '2027-01-01T00:00:00+08:00',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  @MaxLength(40)
  from?: string;

  @ApiPropertyOptional({
    description: 'Before this time (exclusive), ISO-8601',
    example: '2027-02-01T00:00:00+08:00',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  @MaxLength(40)
  to?: string;
}

export class AuditEventResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  occurredAt: string;

  @ApiProperty({ enum: ['user', 'api_key', 'system', 'anonymous'] })
  actorType: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  actorId: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  actorOrganizationId: string | null;

  @ApiProperty({ example: 'organization.verified' })
  action: string;

  @ApiProperty({ example: 'organization' })
  objectType: string;

  @ApiProperty()
  objectId: string;

  @ApiProperty({ type: Object, nullable: true, description: 'The object before the change' })
  before: Record<string, unknown> | null;

  @ApiProperty({ type: Object, nullable: true, description: 'The object after the change' })
  after: Record<string, unknown> | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'X-Request-Id of the request that made the change',
  })
  requestId: string | null;
}

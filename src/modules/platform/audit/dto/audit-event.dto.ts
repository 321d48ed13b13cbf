import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../../../common/pagination/pagination';
import { EXAMPLE_IDS } from '../../../../common/openapi/examples';

export class AuditEventQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'organization' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  objectType?: string;

  @ApiPropertyOptional({ example: EXAMPLE_IDS.leadOrganization })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  objectId?: string;

  @ApiPropertyOptional({ example: EXAMPLE_IDS.admin, format: 'uuid' })
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
  @ApiProperty({ example: EXAMPLE_IDS.auditEvent, format: 'uuid' })
  id: string;

  @ApiProperty({ example: '2027-01-06T03:00:00.000Z' })
  occurredAt: string;

  @ApiProperty({ enum: ['user', 'api_key', 'system', 'anonymous'] })
  actorType: string;

  @ApiProperty({ example: EXAMPLE_IDS.admin, type: String, format: 'uuid', nullable: true })
  actorId: string | null;

  @ApiProperty({ example: EXAMPLE_IDS.platformOrganization, type: String, format: 'uuid', nullable: true })
  actorOrganizationId: string | null;

  @ApiProperty({ example: 'organization.verified' })
  action: string;

  @ApiProperty({ example: 'organization' })
  objectType: string;

  @ApiProperty({ example: EXAMPLE_IDS.leadOrganization })
  objectId: string;

  @ApiProperty({
    example: { id: EXAMPLE_IDS.leadOrganization, verified: false, verifiedAt: null, version: 1 },
    type: Object,
    nullable: true,
    description: 'The object before the change',
  })
  before: Record<string, unknown> | null;

  @ApiProperty({
    example: {
      id: EXAMPLE_IDS.leadOrganization,
      verified: true,
      verifiedAt: '2027-01-06T03:00:00.000Z',
      version: 2,
    },
    type: Object,
    nullable: true,
    description: 'The object after the change',
  })
  after: Record<string, unknown> | null;

  @ApiProperty({
    example: EXAMPLE_IDS.request,
    type: String,
    nullable: true,
    description: 'X-Request-Id of the request that made the change',
  })
  requestId: string | null;
}

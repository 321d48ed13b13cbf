import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { ApiKeyEntity } from '../entities/api-key.entity';
import { EXAMPLE_IDS, EXAMPLE_TIMES } from '../../../../common/openapi/examples';

export class CreateApiKeyDto {
  @ApiProperty({ example: '江西省科技厅门户', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @ApiPropertyOptional({
    example: EXAMPLE_IDS.platformOrganization,
    format: 'uuid',
    description:
      "The organization (portal operator, issuer, applicant) the key acts for. A user manager's key is for its own organization: leave it out or give that one (another is a 404)",
  })
  @IsOptional()
  @IsUUID()
  organizationId?: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', pattern: '^[a-z][a-z0-9_.:-]{0,63}$', maxLength: 64 },
    example: ['stats:read', 'webhooks:manage'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(/^[a-z][a-z0-9_.:-]{0,63}$/, { each: true, message: 'each scope must look like stats:read' })
  scopes?: string[];
}

export class ApiKeyResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.apiKey, format: 'uuid' }) id: string;
  @ApiProperty({ example: '江西省科技厅门户' }) name: string;
  @ApiProperty({ example: EXAMPLE_IDS.platformOrganization, nullable: true, type: String, format: 'uuid' })
  organizationId: string | null;
  @ApiProperty({
    example: 'HJzNovRU',
    description: 'The first characters of the secret after jb_live_, to tell keys apart',
  })
  prefix: string;
  @ApiProperty({ example: ['stats:read', 'webhooks:manage'], type: [String] }) scopes: string[];
  @ApiProperty({ example: EXAMPLE_IDS.admin, format: 'uuid' }) createdBy: string;
  @ApiProperty({ example: EXAMPLE_TIMES.created, format: 'date-time' }) createdAt: string;
  @ApiProperty({ example: '2027-03-01T01:05:12.000Z', nullable: true, type: String, format: 'date-time' })
  lastUsedAt: string | null;
  @ApiProperty({ example: '2027-12-31T08:00:00.000Z', nullable: true, type: String, format: 'date-time' })
  revokedAt: string | null;
}

export class CreatedApiKeyResponseDto extends ApiKeyResponseDto {
  @ApiProperty({
    required: false,
    description:
      'The secret: shown only in this answer, store it now. Never stored for an Idempotency-Key, so absent from a replayed answer (`Idempotency-Replayed: true`): revoke that key and create another',
    example: 'jb_live_HJzNovRUq0pCw5ZkT3mJx8bLd2sVyFgA7eNhQiWuK9o',
  })
  key: string;
}

export function toApiKeyResponse(key: ApiKeyEntity): ApiKeyResponseDto {
  return {
    id: key.id,
    name: key.name,
    organizationId: key.organizationId,
    prefix: key.prefix,
    scopes: key.scopes,
    createdBy: key.createdBy,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt ? key.lastUsedAt.toISOString() : null,
    revokedAt: key.revokedAt ? key.revokedAt.toISOString() : null,
  };
}

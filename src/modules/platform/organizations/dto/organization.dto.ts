import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  registerDecorator,
  ValidationOptions,
} from 'class-validator';
import { PageQueryDto } from '../../../../common/pagination/pagination';
import { CREDIT_CODE_SCHEMA, isValidCreditCode } from '../credit-code';
import { ORGANIZATION_TYPES, OrganizationEntity } from '../entities/organization.entity';
import type { OrganizationType } from '../entities/organization.entity';
import { EXAMPLE_IDS, EXAMPLE_TIMES, EXAMPLE_TEXT } from '../../../../common/openapi/examples';

/** class-validator rule: an 18-character unified social credit code with a correct check character. */
export function IsCreditCode(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isCreditCode',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `${String(propertyName)} must be an 18-character unified social credit code with a valid check character`,
        ...options,
      },
      validator: { validate: (value: unknown) => isValidCreditCode(value) },
    });
}

export const REGION_CODE = /^\d{6}$/;
/** OpenAPI for a REGION_CODE string. */
export const REGION_CODE_SCHEMA = { pattern: REGION_CODE.source, maxLength: 6 } as const;

export class CreateOrganizationDto {
  @ApiProperty({ example: '南昌市科技成果转化中心', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;

  @ApiProperty({ enum: ORGANIZATION_TYPES })
  @IsIn(ORGANIZATION_TYPES)
  type: OrganizationType;

  @ApiProperty({
    example: '91350100M000100Y43',
    description: '统一社会信用代码 (GB 32100-2015)',
    ...CREDIT_CODE_SCHEMA,
  })
  @IsCreditCode()
  creditCode: string;

  @ApiProperty({
    example: '360100',
    description: '6-digit administrative division code',
    ...REGION_CODE_SCHEMA,
  })
  @IsString()
  @Matches(REGION_CODE, { message: 'regionCode must be a 6-digit administrative division code' })
  regionCode: string;

  @ApiPropertyOptional({ example: EXAMPLE_IDS.parentOrganization, format: 'uuid' })
  @IsOptional()
  @IsUUID()
  parentOrganizationId?: string;
}

/** Members (issuer, applicant) may change name and regionCode of their own organization; the rest is admin's. */
export class UpdateOrganizationDto {
  @ApiPropertyOptional({ example: '南昌市科技成果转化中心', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ example: '360100', ...REGION_CODE_SCHEMA })
  @IsOptional()
  @IsString()
  @Matches(REGION_CODE, { message: 'regionCode must be a 6-digit administrative division code' })
  regionCode?: string;

  @ApiPropertyOptional({ enum: ORGANIZATION_TYPES, description: 'admin only' })
  @IsOptional()
  @IsIn(ORGANIZATION_TYPES)
  type?: OrganizationType;

  @ApiPropertyOptional({
    example: EXAMPLE_IDS.parentOrganization,
    format: 'uuid',
    nullable: true,
    description: 'admin only; null detaches',
  })
  @IsOptional()
  @IsUUID()
  parentOrganizationId?: string | null;
}

export class ListOrganizationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ORGANIZATION_TYPES })
  @IsOptional()
  @IsIn(ORGANIZATION_TYPES)
  type?: OrganizationType;
}

export class OrganizationResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.leadOrganization, format: 'uuid' }) id: string;
  @ApiProperty({ example: EXAMPLE_TEXT.leadOrganization }) name: string;
  @ApiProperty({ enum: ORGANIZATION_TYPES }) type: OrganizationType;
  @ApiProperty({ example: '91350100M000100Y43', nullable: true, type: String }) creditCode: string | null;
  @ApiProperty({ example: '360100' }) regionCode: string;
  @ApiProperty({ example: EXAMPLE_IDS.parentOrganization, nullable: true, type: String, format: 'uuid' })
  parentOrganizationId: string | null;
  @ApiProperty({ example: true }) verified: boolean;
  @ApiProperty({ example: '2027-01-06T03:00:00.000Z', nullable: true, type: String, format: 'date-time' })
  verifiedAt: string | null;
  @ApiProperty({ type: 'integer', example: 2 }) version: number;
  @ApiProperty({ example: EXAMPLE_TIMES.created, format: 'date-time' }) createdAt: string;
  @ApiProperty({ example: EXAMPLE_TIMES.updated, format: 'date-time' }) updatedAt: string;
}

export function toOrganizationResponse(org: OrganizationEntity): OrganizationResponseDto {
  return {
    id: org.id,
    name: org.name,
    type: org.type,
    creditCode: org.creditCode,
    regionCode: org.regionCode,
    parentOrganizationId: org.parentOrganizationId,
    verified: org.verified,
    verifiedAt: org.verifiedAt ? org.verifiedAt.toISOString() : null,
    version: org.version,
    createdAt: org.createdAt.toISOString(),
    updatedAt: org.updatedAt.toISOString(),
  };
}

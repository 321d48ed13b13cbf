import { ApiProperty, ApiPropertyOptional, PartialType, OmitType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { EXAMPLE_IDS, EXAMPLE_TIMES } from '../../../../common/openapi/examples';
import { REGION_CODE, REGION_CODE_SCHEMA } from '../../../platform/organizations/dto/organization.dto';
import type { BrokerProfileEntity } from '../entities/broker-profile.entity';
import type { NeedRouteEntity } from '../entities/need-route.entity';

export class CreateBrokerProfileDto {
  @ApiProperty({
    example: EXAMPLE_IDS.brokerUser,
    format: 'uuid',
    description: 'A user with the broker role in a service_center organization',
  })
  @IsUUID()
  userId: string;

  @ApiProperty({ example: ['new_materials', 'electronic_information'], type: [String], maxItems: 20 })
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(40, { each: true })
  industryChains: string[];

  @ApiProperty({ example: ['超导', '稀土永磁'], type: [String], maxItems: 30 })
  @IsArray()
  @ArrayMaxSize(30)
  @ArrayUnique()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(40, { each: true })
  keywords: string[];

  @ApiProperty({ example: '360100', ...REGION_CODE_SCHEMA })
  @IsString()
  @Matches(REGION_CODE, { message: 'regionCode must be a 6-digit administrative division code' })
  regionCode: string;

  @ApiProperty({ example: 'JXJJR-2026-00123', maxLength: 64 })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  certificateNumber: string;

  @ApiPropertyOptional({ example: true, description: 'admin only; default true' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

/** The broker may change its own fields; `active` is the admin's. */
export class UpdateBrokerProfileDto extends PartialType(OmitType(CreateBrokerProfileDto, ['userId'])) {}

export class BrokerProfileResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.brokerProfile, format: 'uuid' }) id: string;
  @ApiProperty({ example: EXAMPLE_IDS.brokerUser, format: 'uuid' }) userId: string;
  @ApiProperty({ example: EXAMPLE_IDS.serviceCentre, format: 'uuid' }) organizationId: string;
  @ApiProperty({ example: ['new_materials'], type: [String] }) industryChains: string[];
  @ApiProperty({ example: ['超导'], type: [String] }) keywords: string[];
  @ApiProperty({ example: '360100' }) regionCode: string;
  @ApiProperty({ example: 'JXJJR-2026-00123' }) certificateNumber: string;
  @ApiProperty({ example: true }) active: boolean;
  @ApiProperty({ type: 'integer', example: 1 }) version: number;
  @ApiProperty({ example: EXAMPLE_TIMES.created, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ example: EXAMPLE_TIMES.updated, format: 'date-time' }) updatedAt: Date;
}

export function toBrokerProfileResponse(b: BrokerProfileEntity): BrokerProfileResponseDto {
  return {
    id: b.id,
    userId: b.userId,
    organizationId: b.organizationId,
    industryChains: b.industryChains,
    keywords: b.keywords,
    regionCode: b.regionCode,
    certificateNumber: b.certificateNumber,
    active: b.active,
    version: b.version,
    createdAt: b.createdAt,
    updatedAt: b.updatedAt,
  };
}

export class CreateNeedRouteDto {
  @ApiProperty({
    example: '360100',
    ...REGION_CODE_SCHEMA,
    description: 'A district (360102), a city (360100) or the province (360000)',
  })
  @IsString()
  @Matches(REGION_CODE, { message: 'regionCode must be a 6-digit administrative division code' })
  regionCode: string;

  @ApiPropertyOptional({
    example: 'new_materials',
    nullable: true,
    type: String,
    description: 'Only needs of this industry chain; absent or null: every chain',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  industryChain?: string | null;

  @ApiProperty({
    example: EXAMPLE_IDS.serviceCentre,
    format: 'uuid',
    description: 'A service_center organization',
  })
  @IsUUID()
  centreOrganizationId: string;
}

export class NeedRouteResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.needRoute, format: 'uuid' }) id: string;
  @ApiProperty({ example: '360100' }) regionCode: string;
  @ApiProperty({ example: 'new_materials', nullable: true, type: String }) industryChain: string | null;
  @ApiProperty({ example: EXAMPLE_IDS.serviceCentre, format: 'uuid' }) centreOrganizationId: string;
  @ApiProperty({ type: 'integer', example: 1 }) version: number;
  @ApiProperty({ example: EXAMPLE_TIMES.created, format: 'date-time' }) createdAt: Date;
}

export function toNeedRouteResponse(r: NeedRouteEntity): NeedRouteResponseDto {
  return {
    id: r.id,
    regionCode: r.regionCode,
    industryChain: r.industryChainCode === '' ? null : r.industryChainCode,
    centreOrganizationId: r.centreOrganizationId,
    version: r.version,
    createdAt: r.createdAt,
  };
}

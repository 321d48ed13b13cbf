import { ApiProperty } from '@nestjs/swagger';
import { ORGANIZATION_TYPES } from '../../../platform/organizations/organization-types';
import type { OrganizationType } from '../../../platform/organizations/organization-types';
import { EXAMPLE_IDS, EXAMPLE_TIMES, EXAMPLE_TEXT } from '../../../../common/openapi/examples';

export class ExpertOrganizationDto {
  @ApiProperty({ example: EXAMPLE_IDS.expertOrganization, format: 'uuid' })
  id: string;

  @ApiProperty({ example: EXAMPLE_TEXT.expertOrganization })
  name: string;

  @ApiProperty({
    enum: ORGANIZATION_TYPES,
    description: 'enterprise counts toward the panel’s enterprise share',
  })
  type: OrganizationType;

  @ApiProperty({ example: '360100' })
  regionCode: string;
}

export class ExpertUserDto {
  @ApiProperty({ example: EXAMPLE_IDS.expertUser, format: 'uuid' })
  id: string;

  @ApiProperty({ example: EXAMPLE_TEXT.expertName })
  displayName: string;

  @ApiProperty({
    example: EXAMPLE_IDS.expertOrganization,
    format: 'uuid',
    description: "The account's organization (may differ from the affiliation)",
  })
  organizationId: string;

  @ApiProperty({ example: true, description: 'A disabled account is never drawn' })
  enabled: boolean;
}

export class ExpertCollaborationResponseDto {
  @ApiProperty({ type: ExpertOrganizationDto })
  organization: ExpertOrganizationDto;

  @ApiProperty({ example: '联合承担省重点研发计划项目' })
  description: string;

  @ApiProperty({ type: 'integer', example: 2023 })
  fromYear: number;

  @ApiProperty({ example: 2025, nullable: true, type: Number, description: 'null: ongoing' })
  toYear: number | null;
}

/** An expert in a listing: without its collaborations. */
export class ExpertSummaryDto {
  @ApiProperty({ example: EXAMPLE_IDS.expert, format: 'uuid' })
  id: string;

  @ApiProperty({ type: ExpertUserDto })
  user: ExpertUserDto;

  @ApiProperty({ type: ExpertOrganizationDto, description: 'The organization the expert works for' })
  affiliationOrganization: ExpertOrganizationDto;

  @ApiProperty({ example: '教授级高级工程师', description: '职称, free text' })
  title: string;

  @ApiProperty({ type: [String], example: ['new_materials'], description: 'Industry chain codes' })
  industryChains: string[];

  @ApiProperty({ type: [String], example: ['高温超导'] })
  keywords: string[];

  @ApiProperty({ example: true, description: 'Inactive experts are never drawn' })
  active: boolean;

  @ApiProperty({
    type: 'integer',
    example: 2,
    description: 'Served as the ETag; send it back in If-Match to change the profile',
  })
  version: number;

  @ApiProperty({ example: EXAMPLE_TIMES.created, format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ example: EXAMPLE_TIMES.updated, format: 'date-time' })
  updatedAt: Date;
}

export class ExpertResponseDto extends ExpertSummaryDto {
  @ApiProperty({ type: [ExpertCollaborationResponseDto], description: 'In the order given' })
  collaborations: ExpertCollaborationResponseDto[];
}

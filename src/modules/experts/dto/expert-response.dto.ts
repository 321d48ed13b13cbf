import { ApiProperty } from '@nestjs/swagger';
import { ORGANIZATION_TYPES } from '../../organizations/entities/organization.entity';
import type { OrganizationType } from '../../organizations/entities/organization.entity';

export class ExpertOrganizationDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
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
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  displayName: string;

  @ApiProperty({
    format: 'uuid',
    description: "The account's organization (may differ from the affiliation)",
  })
  organizationId: string;

  @ApiProperty({ description: 'A disabled account is never drawn' })
  enabled: boolean;
}

export class ExpertCollaborationResponseDto {
  @ApiProperty({ type: ExpertOrganizationDto })
  organization: ExpertOrganizationDto;

  @ApiProperty()
  description: string;

  @ApiProperty()
  fromYear: number;

  @ApiProperty({ nullable: true, type: Number, description: 'null: ongoing' })
  toYear: number | null;
}

/** An expert in a listing: without its collaborations. */
export class ExpertSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: ExpertUserDto })
  user: ExpertUserDto;

  @ApiProperty({ type: ExpertOrganizationDto, description: 'The organization the expert works for' })
  affiliationOrganization: ExpertOrganizationDto;

  @ApiProperty({ description: '职称, free text' })
  title: string;

  @ApiProperty({ type: [String], example: ['new_materials'], description: 'Industry chain codes' })
  industryChains: string[];

  @ApiProperty({ type: [String], example: ['高温超导'] })
  keywords: string[];

  @ApiProperty({ description: 'Inactive experts are never drawn' })
  active: boolean;

  @ApiProperty({ description: 'Served as the ETag; send it back in If-Match to change the profile' })
  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ format: 'date-time' })
  updatedAt: Date;
}

export class ExpertResponseDto extends ExpertSummaryDto {
  @ApiProperty({ type: [ExpertCollaborationResponseDto], description: 'In the order given' })
  collaborations: ExpertCollaborationResponseDto[];
}

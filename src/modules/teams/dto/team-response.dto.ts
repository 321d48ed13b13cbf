import { ApiProperty } from '@nestjs/swagger';
import { ORGANIZATION_TYPES } from '../../organizations/entities/organization.entity';
import type { OrganizationType } from '../../organizations/entities/organization.entity';

export class TeamOrganizationDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: ORGANIZATION_TYPES })
  type: OrganizationType;

  @ApiProperty({ example: '360100' })
  regionCode: string;
}

export class TeamLeaderDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  displayName: string;
}

export class ConsortiumMemberResponseDto {
  @ApiProperty({ type: TeamOrganizationDto })
  organization: TeamOrganizationDto;

  @ApiProperty()
  role: string;

  @ApiProperty({ nullable: true, type: Number, description: 'null when the team states no shares' })
  sharePercent: number | null;
}

export class TeamMemberResponseDto {
  @ApiProperty()
  name: string;

  @ApiProperty({ description: '职称, free text' })
  title: string;

  @ApiProperty()
  role: string;

  @ApiProperty({ format: 'uuid' })
  organizationId: string;

  @ApiProperty({ nullable: true, type: String, format: 'uuid' })
  userId: string | null;
}

/** A team in a listing: without its consortium and members. */
export class TeamSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ type: TeamOrganizationDto })
  leadOrganization: TeamOrganizationDto;

  @ApiProperty({ type: TeamLeaderDto, description: '挂帅者' })
  leader: TeamLeaderDto;

  @ApiProperty({ nullable: true, type: Number, description: 'null when the team states no shares' })
  leadSharePercent: number | null;

  @ApiProperty({ description: 'Served as the ETag; send it back in If-Match to change the team' })
  version: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ format: 'date-time' })
  updatedAt: Date;
}

export class TeamResponseDto extends TeamSummaryDto {
  @ApiProperty({ type: [ConsortiumMemberResponseDto], description: 'In the order given' })
  consortium: ConsortiumMemberResponseDto[];

  @ApiProperty({ type: [TeamMemberResponseDto], description: 'In the order given' })
  members: TeamMemberResponseDto[];

  @ApiProperty({ format: 'uuid' })
  createdBy: string;
}

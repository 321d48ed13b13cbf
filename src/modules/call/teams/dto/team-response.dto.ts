import { ApiProperty } from '@nestjs/swagger';
import {
  ORGANIZATION_TYPES,
  type OrganizationType,
} from '../../../platform/organizations/organization-types';
import { EXAMPLE_IDS, EXAMPLE_TEXT } from '../../../../common/openapi/examples';

export class TeamOrganizationDto {
  @ApiProperty({ example: EXAMPLE_IDS.leadOrganization, format: 'uuid' })
  id: string;

  @ApiProperty({ example: EXAMPLE_TEXT.leadOrganization })
  name: string;

  @ApiProperty({ enum: ORGANIZATION_TYPES })
  type: OrganizationType;

  @ApiProperty({ example: '360100' })
  regionCode: string;
}

export class TeamLeaderDto {
  @ApiProperty({ example: EXAMPLE_IDS.leader, format: 'uuid' })
  id: string;

  @ApiProperty({ example: EXAMPLE_TEXT.leaderName })
  displayName: string;
}

export class ConsortiumMemberResponseDto {
  @ApiProperty({ type: TeamOrganizationDto })
  organization: TeamOrganizationDto;

  @ApiProperty({ example: '负责样机工程化与中试' })
  role: string;

  @ApiProperty({
    example: 30,
    nullable: true,
    type: Number,
    description: 'null when the team states no shares',
  })
  sharePercent: number | null;
}

export class TeamMemberResponseDto {
  @ApiProperty({ example: '张伟' })
  name: string;

  @ApiProperty({ example: '研究员', description: '职称, free text' })
  title: string;

  @ApiProperty({ example: '超导带材制备' })
  role: string;

  @ApiProperty({ example: EXAMPLE_IDS.partnerOrganization, format: 'uuid' })
  organizationId: string;

  @ApiProperty({ example: EXAMPLE_IDS.member, nullable: true, type: String, format: 'uuid' })
  userId: string | null;
}

/** A team in a listing: without its consortium and members. */
export class TeamSummaryDto {
  @ApiProperty({ example: EXAMPLE_IDS.team, format: 'uuid' })
  id: string;

  @ApiProperty({ example: EXAMPLE_TEXT.teamName })
  name: string;

  @ApiProperty({ type: TeamOrganizationDto })
  leadOrganization: TeamOrganizationDto;

  @ApiProperty({ type: TeamLeaderDto, description: '挂帅者' })
  leader: TeamLeaderDto;

  @ApiProperty({
    example: 70,
    nullable: true,
    type: Number,
    description: 'null when the team states no shares',
  })
  leadSharePercent: number | null;

  @ApiProperty({
    type: 'integer',
    example: 2,
    description: 'Served as the ETag; send it back in If-Match to change the team',
  })
  version: number;

  @ApiProperty({ example: '2027-03-05T02:00:00.000Z', format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ example: '2027-03-20T02:00:00.000Z', format: 'date-time' })
  updatedAt: Date;
}

export class TeamResponseDto extends TeamSummaryDto {
  @ApiProperty({ type: [ConsortiumMemberResponseDto], description: 'In the order given' })
  consortium: ConsortiumMemberResponseDto[];

  @ApiProperty({ type: [TeamMemberResponseDto], description: 'In the order given' })
  members: TeamMemberResponseDto[];

  @ApiProperty({ example: EXAMPLE_IDS.leader, format: 'uuid' })
  createdBy: string;
}

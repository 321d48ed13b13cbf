import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '../../../../common/pagination/pagination';
import { MAX_CONSORTIUM_MEMBERS, MAX_TEAM_MEMBERS } from '../team-rules';
import { EXAMPLE_IDS } from '../../../../common/openapi/examples';

const NOT_BLANK = /\S/;

export class ConsortiumMemberInputDto {
  @ApiProperty({
    example: EXAMPLE_IDS.partnerOrganization,
    format: 'uuid',
    description: 'A registered organization other than your own',
  })
  @IsUUID()
  organizationId: string;

  @ApiProperty({ example: '负责样机工程化与中试', maxLength: 500, description: 'Its role in the consortium' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  @Matches(NOT_BLANK, { message: 'role must not be blank' })
  role: string;

  @ApiPropertyOptional({
    example: 30,
    minimum: 1,
    maximum: 99,
    description: 'Its share of the work in percent: all shares or none; with the lead share they sum to 100',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(99)
  sharePercent?: number;
}

/** A person of the team; an account (userId) is optional. */
export class TeamMemberInputDto {
  @ApiProperty({ example: '李明', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  name: string;

  @ApiProperty({
    example: '助理研究员',
    maxLength: 100,
    description: '职称, free text (may be empty); shown, never used by any rule',
  })
  @IsString()
  @MaxLength(100)
  title: string;

  @ApiProperty({ example: '超导带材制备', maxLength: 200, description: 'What the person does in the team' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(NOT_BLANK, { message: 'role must not be blank' })
  role: string;

  @ApiProperty({
    example: EXAMPLE_IDS.leadOrganization,
    format: 'uuid',
    description: 'The lead organization or a consortium member',
  })
  @IsUUID()
  organizationId: string;

  @ApiPropertyOptional({
    example: EXAMPLE_IDS.leader,
    format: 'uuid',
    description: 'The account of the person: a user of that organization',
  })
  @IsOptional()
  @IsUUID()
  userId?: string;
}

export class CreateTeamDto {
  @ApiProperty({ example: '高温超导电缆攻关团队', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  name: string;

  @ApiProperty({
    example: EXAMPLE_IDS.leader,
    format: 'uuid',
    description: '挂帅者: an enabled user of your organization',
  })
  @IsUUID()
  leaderUserId: string;

  @ApiPropertyOptional({
    example: 70,
    minimum: 1,
    maximum: 100,
    description:
      "Your organization's share of the work in percent: all shares or none; 100 (or none) without consortium",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  leadSharePercent?: number;

  @ApiPropertyOptional({ type: [ConsortiumMemberInputDto], maxItems: MAX_CONSORTIUM_MEMBERS })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CONSORTIUM_MEMBERS)
  @ValidateNested({ each: true })
  @Type(() => ConsortiumMemberInputDto)
  consortium?: ConsortiumMemberInputDto[];

  @ApiPropertyOptional({ type: [TeamMemberInputDto], maxItems: MAX_TEAM_MEMBERS })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_TEAM_MEMBERS)
  @ValidateNested({ each: true })
  @Type(() => TeamMemberInputDto)
  members?: TeamMemberInputDto[];
}

/** Absent means unchanged; null is not a value for these (IsOptional would let it through). */
const unlessAbsent = ValidateIf((_object: object, value: unknown) => value !== undefined);

export class UpdateTeamDto {
  @ApiPropertyOptional({ example: '高温超导攻关团队', maxLength: 200 })
  @unlessAbsent
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(NOT_BLANK, { message: 'name must not be blank' })
  name?: string;

  @ApiPropertyOptional({
    example: EXAMPLE_IDS.leader,
    format: 'uuid',
    description: 'An enabled user of the lead organization',
  })
  @unlessAbsent
  @IsUUID()
  leaderUserId?: string;

  @ApiPropertyOptional({
    example: 70,
    minimum: 1,
    maximum: 100,
    nullable: true,
    type: Number,
    description: 'null states no shares; the shares of the consortium must still add up (or be none)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  leadSharePercent?: number | null;
}

/** PUT /teams/{id}/consortium: the whole consortium and the lead share, replaced together. */
export class ReplaceConsortiumDto {
  @ApiPropertyOptional({
    example: 70,
    minimum: 1,
    maximum: 100,
    nullable: true,
    type: Number,
    description: "The lead organization's share; omitted or null: no shares",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  leadSharePercent?: number | null;

  @ApiProperty({ type: [ConsortiumMemberInputDto], maxItems: MAX_CONSORTIUM_MEMBERS })
  @IsArray()
  @ArrayMaxSize(MAX_CONSORTIUM_MEMBERS)
  @ValidateNested({ each: true })
  @Type(() => ConsortiumMemberInputDto)
  members: ConsortiumMemberInputDto[];
}

export const TEAM_MEMBERSHIPS = ['lead', 'consortium'] as const;
export type TeamMembership = (typeof TEAM_MEMBERSHIPS)[number];

export class ListTeamsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    example: EXAMPLE_IDS.leadOrganization,
    format: 'uuid',
    description:
      "Admin: that organization's teams (omitted: every team). Others: only their own organization",
  })
  @IsOptional()
  @IsUUID()
  organizationId?: string;

  @ApiPropertyOptional({
    enum: TEAM_MEMBERSHIPS,
    default: 'lead',
    description: 'lead: teams the organization leads; consortium: teams it is a consortium member of',
  })
  @IsOptional()
  @IsIn(TEAM_MEMBERSHIPS)
  membership?: TeamMembership;
}

import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiExtraModels,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Auth, Authenticated } from '../../common/auth/decorators';
import type { Principal } from '../../common/auth/principal';
import { ApiIfMatch, IfMatch, setEtag } from '../../common/concurrency/etag';
import { ProblemDto } from '../../common/errors/problem';
import { ApiPageResponse, Page } from '../../common/pagination/pagination';
import { ArrayBodyPipe } from './array-body.pipe';
import {
  CreateTeamDto,
  ListTeamsQueryDto,
  ReplaceConsortiumDto,
  TeamMemberInputDto,
  UpdateTeamDto,
} from './dto/team-input.dto';
import { TeamResponseDto, TeamSummaryDto } from './dto/team-response.dto';
import { MAX_TEAM_MEMBERS } from './team-rules';
import { TeamsService } from './teams.service';

const uuid = new ParseUUIDPipe({ version: undefined, errorHttpStatusCode: 404 });

const NOT_YOURS = "No such team, or not your organization's (nor one it is a consortium member of)";
const CONFLICT =
  'Stale If-Match (VERSION_MISMATCH), or an active bid uses the team (TEAM_IN_USE: submitted, eligible, under_review, shortlisted, selected)';
const EDIT =
  'If-Match required. Only the lead organization edits (a consortium member gets 403); a team used by an active bid cannot change (409 TEAM_IN_USE).';

@ApiTags('teams')
@Controller('teams')
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Get()
  @Authenticated({ roles: ['applicant', 'admin'] })
  @ApiOperation({
    summary:
      "Your organization's teams, newest first (keyset paginated); membership=consortium: teams it is a consortium member of. Admins: all, or organizationId's",
  })
  @ApiPageResponse(TeamSummaryDto)
  @ApiBadRequestResponse({ description: 'Bad query or cursor', type: ProblemDto })
  list(@Auth() auth: Principal, @Query() query: ListTeamsQueryDto): Promise<Page<TeamSummaryDto>> {
    return this.teams.list(auth, query);
  }

  @Post()
  @Authenticated({ roles: ['applicant'] })
  @ApiOperation({
    summary: 'Create a team led by your organization: leader (挂帅者), consortium with shares, members',
  })
  @ApiCreatedResponse({ type: TeamResponseDto })
  @ApiBadRequestResponse({
    description:
      'Invalid body: leader not an enabled user of your organization, unknown or repeated consortium organization, shares not all-or-none or not summing to 100, member of an organization outside the team',
    type: ProblemDto,
  })
  async create(
    @Auth() auth: Principal,
    @Body() dto: CreateTeamDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TeamResponseDto> {
    return withEtag(res, await this.teams.create(auth, dto));
  }

  @Get(':id')
  @Authenticated({ roles: ['applicant', 'admin'] })
  @ApiOperation({
    summary: 'Read a team with its consortium and members (lead organization, consortium members, admins)',
  })
  @ApiOkResponse({ type: TeamResponseDto })
  @ApiNotFoundResponse({ description: NOT_YOURS, type: ProblemDto })
  async get(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TeamResponseDto> {
    return withEtag(res, await this.teams.get(auth, id));
  }

  @Patch(':id')
  @Authenticated({ roles: ['applicant'] })
  @ApiOperation({ summary: 'Change the name, leader or lead share', description: EDIT })
  @ApiIfMatch()
  @ApiOkResponse({ type: TeamResponseDto })
  @ApiBadRequestResponse({ description: 'Invalid body', type: ProblemDto })
  @ApiForbiddenResponse({
    description: 'Your organization is a consortium member, not the lead',
    type: ProblemDto,
  })
  @ApiNotFoundResponse({ description: NOT_YOURS, type: ProblemDto })
  @ApiConflictResponse({ description: CONFLICT, type: ProblemDto })
  @ApiResponse({ status: 428, description: 'If-Match missing', type: ProblemDto })
  async update(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: UpdateTeamDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TeamResponseDto> {
    return withEtag(res, await this.teams.update(auth, id, dto, version));
  }

  @Put(':id/members')
  @Authenticated({ roles: ['applicant'] })
  @ApiOperation({
    summary: 'Replace the members, in order; each of the lead organization or a consortium member',
    description: EDIT,
  })
  @ApiIfMatch()
  @ApiExtraModels(TeamMemberInputDto)
  @ApiBody({
    description: `The whole list, at most ${MAX_TEAM_MEMBERS}`,
    schema: {
      type: 'array',
      maxItems: MAX_TEAM_MEMBERS,
      items: { $ref: getSchemaPath(TeamMemberInputDto) },
    },
  })
  @ApiOkResponse({ type: TeamResponseDto })
  @ApiBadRequestResponse({ description: 'Invalid list (fields as `[2].organizationId`)', type: ProblemDto })
  @ApiForbiddenResponse({
    description: 'Your organization is a consortium member, not the lead',
    type: ProblemDto,
  })
  @ApiNotFoundResponse({ description: NOT_YOURS, type: ProblemDto })
  @ApiConflictResponse({ description: CONFLICT, type: ProblemDto })
  @ApiResponse({ status: 428, description: 'If-Match missing', type: ProblemDto })
  async replaceMembers(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body(new ArrayBodyPipe(TeamMemberInputDto, MAX_TEAM_MEMBERS)) members: TeamMemberInputDto[],
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TeamResponseDto> {
    return withEtag(res, await this.teams.replaceMembers(auth, id, members, version));
  }

  @Put(':id/consortium')
  @Authenticated({ roles: ['applicant'] })
  @ApiOperation({
    summary:
      'Replace the consortium and the lead share together; an organization with team members cannot leave',
    description: EDIT,
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: TeamResponseDto })
  @ApiBadRequestResponse({
    description: 'Invalid consortium or shares, or an organization with members would leave',
    type: ProblemDto,
  })
  @ApiForbiddenResponse({
    description: 'Your organization is a consortium member, not the lead',
    type: ProblemDto,
  })
  @ApiNotFoundResponse({ description: NOT_YOURS, type: ProblemDto })
  @ApiConflictResponse({ description: CONFLICT, type: ProblemDto })
  @ApiResponse({ status: 428, description: 'If-Match missing', type: ProblemDto })
  async replaceConsortium(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: ReplaceConsortiumDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TeamResponseDto> {
    return withEtag(res, await this.teams.replaceConsortium(auth, id, dto, version));
  }
}

function withEtag(res: Response, team: TeamResponseDto): TeamResponseDto {
  setEtag(res, team.version);
  return team;
}

import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiExtraModels,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { HttpResponse } from '../../../infra/http/http-types';
import { Auth, Authenticated } from '../../../common/auth/decorators';
import type { Principal } from '../../../common/auth/principal';
import { ApiIfMatch, IfMatch, withEtag } from '../../../common/concurrency/etag';
import { ApiPageResponse, Page } from '../../../common/pagination/pagination';
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
import { Endpoint } from '../../../common/openapi/endpoint';

const uuid = new ParseUUIDPipe({ version: undefined, errorHttpStatusCode: 404 });

const EDIT =
  'If-Match required. Only the lead organization edits (a consortium member gets 403); a team used by an active application cannot change (409 TEAM_IN_USE).';

@ApiTags('teams')
@Controller('teams')
export class TeamsController {
  constructor(private readonly teams: TeamsService) {}

  @Get()
  @Authenticated({ roles: ['applicant', 'admin'] })
  @Endpoint({
    summary:
      "Your organization's teams, newest first (keyset paginated); membership=consortium: teams it is a consortium member of. Admins: all, or organizationId's",
    errors: ['FORBIDDEN'],
  })
  @ApiPageResponse(TeamSummaryDto)
  list(@Auth() auth: Principal, @Query() query: ListTeamsQueryDto): Promise<Page<TeamSummaryDto>> {
    return this.teams.list(auth, query);
  }

  @Post()
  @Authenticated({ roles: ['applicant'] })
  @Endpoint({
    summary: 'Create a team led by your organization: leader (挂帅者), consortium with shares, members',
    errors: ['FORBIDDEN'],
  })
  @ApiCreatedResponse({ type: TeamResponseDto })
  async create(
    @Auth() auth: Principal,
    @Body() dto: CreateTeamDto,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<TeamResponseDto> {
    return withEtag(res, await this.teams.create(auth, dto));
  }

  @Get(':id')
  @Authenticated({ roles: ['applicant', 'admin'] })
  @Endpoint({
    summary: 'Read a team with its consortium and members (lead organization, consortium members, admins)',
    errors: ['NOT_FOUND'],
  })
  @ApiOkResponse({ type: TeamResponseDto })
  async get(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<TeamResponseDto> {
    return withEtag(res, await this.teams.get(auth, id));
  }

  @Patch(':id')
  @Authenticated({ roles: ['applicant'] })
  @Endpoint({
    summary: 'Change the name, leader or lead share',
    description: EDIT,
    errors: ['FORBIDDEN', 'NOT_FOUND', 'TEAM_IN_USE', 'PRECONDITION_REQUIRED'],
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: TeamResponseDto })
  async update(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: UpdateTeamDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<TeamResponseDto> {
    return withEtag(res, await this.teams.update(auth, id, dto, version));
  }

  @Put(':id/members')
  @Authenticated({ roles: ['applicant'] })
  @Endpoint({
    summary: 'Replace the members, in order; each of the lead organization or a consortium member',
    description: EDIT,
    errors: ['FORBIDDEN', 'NOT_FOUND', 'TEAM_IN_USE', 'PRECONDITION_REQUIRED'],
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
  async replaceMembers(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body(new ArrayBodyPipe(TeamMemberInputDto, MAX_TEAM_MEMBERS)) members: TeamMemberInputDto[],
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<TeamResponseDto> {
    return withEtag(res, await this.teams.replaceMembers(auth, id, members, version));
  }

  @Put(':id/consortium')
  @Authenticated({ roles: ['applicant'] })
  @Endpoint({
    summary:
      'Replace the consortium and the lead share together; an organization with team members cannot leave',
    description: EDIT,
    errors: ['FORBIDDEN', 'NOT_FOUND', 'TEAM_IN_USE', 'PRECONDITION_REQUIRED'],
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: TeamResponseDto })
  async replaceConsortium(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: ReplaceConsortiumDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<TeamResponseDto> {
    return withEtag(res, await this.teams.replaceConsortium(auth, id, dto, version));
  }
}

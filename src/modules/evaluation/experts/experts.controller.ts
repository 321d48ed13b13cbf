import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { HttpResponse } from '../../../infra/http/http-types';
import { Auth, Authenticated } from '../../../common/auth/decorators';
import type { Principal } from '../../../common/auth/principal';
import { ApiIfMatch, IfMatch, withEtag } from '../../../common/concurrency/etag';
import { ApiPageResponse, Page } from '../../../common/pagination/pagination';
import { CreateExpertDto, ListExpertsQueryDto, UpdateExpertDto } from './dto/expert-input.dto';
import { ExpertResponseDto, ExpertSummaryDto } from './dto/expert-response.dto';
import { ExpertsService } from './experts.service';
import { Endpoint } from '../../../common/openapi/endpoint';

const uuid = new ParseUUIDPipe({ version: undefined, errorHttpStatusCode: 404 });

@ApiTags('experts')
@Controller('experts')
export class ExpertsController {
  constructor(private readonly experts: ExpertsService) {}

  @Get()
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary:
      'The expert pool, newest first (keyset paginated); filters industryChain, active, affiliationOrganizationId, q',
  })
  @ApiPageResponse(ExpertSummaryDto)
  list(@Query() query: ListExpertsQueryDto): Promise<Page<ExpertSummaryDto>> {
    return this.experts.list(query);
  }

  @Post()
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary:
      'Create the profile of a user with the expert role: fields of expertise, title, affiliation, declared collaborations',
    errors: ['ALREADY_EXISTS'],
  })
  @ApiCreatedResponse({ type: ExpertResponseDto })
  async create(
    @Auth() auth: Principal,
    @Body() dto: CreateExpertDto,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ExpertResponseDto> {
    return withEtag(res, await this.experts.create(auth, dto));
  }

  @Get('me')
  @Authenticated({ roles: ['expert'] })
  @Endpoint({ summary: 'Your own expert profile', errors: ['NOT_FOUND'] })
  @ApiOkResponse({ type: ExpertResponseDto })
  async getMine(
    @Auth() auth: Principal,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ExpertResponseDto> {
    return withEtag(res, await this.experts.getMine(auth));
  }

  @Get(':id')
  @Authenticated({ roles: ['admin', 'expert'] })
  @Endpoint({
    summary: 'Read an expert profile with its collaborations (admins; an expert its own)',
    errors: ['NOT_FOUND'],
  })
  @ApiOkResponse({ type: ExpertResponseDto })
  async get(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ExpertResponseDto> {
    return withEtag(res, await this.experts.get(auth, id));
  }

  @Patch(':id')
  @Authenticated({ roles: ['admin', 'expert'] })
  @Endpoint({
    summary: 'Change a profile; collaborations are replaced whole',
    description:
      'If-Match required. Admins change every field; the expert itself every field but active (403), affiliation included: ' +
      'the conflict check runs again when the expert declares on an assignment, on the profile as it is then.',
    errors: ['FORBIDDEN', 'NOT_FOUND', 'PRECONDITION_REQUIRED'],
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ExpertResponseDto })
  async update(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: UpdateExpertDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ExpertResponseDto> {
    return withEtag(res, await this.experts.update(auth, id, dto, version));
  }
}

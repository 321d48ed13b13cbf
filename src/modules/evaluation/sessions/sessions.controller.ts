import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { HttpResponse } from '../../../infra/http/http-types';
import { Auth, Authenticated } from '../../../common/auth/decorators';
import type { Principal } from '../../../common/auth/principal';
import { ApiIfMatch, IfMatch, withEtag } from '../../../common/concurrency/etag';
import { ApiPageResponse, Page } from '../../../common/pagination/pagination';
import { CreateSessionDto, ListSessionsQueryDto, UpdateSessionDto } from './dto/session-input.dto';
import { SessionResponseDto } from './dto/session-response.dto';
import { SessionsService } from './sessions.service';
import { Endpoint } from '../../../common/openapi/endpoint';
import { SESSION_MACHINE } from './session-status';

const uuid = new ParseUUIDPipe({ version: undefined, errorHttpStatusCode: 404 });

const WHO_SEES =
  "Admins; the challenge's issuer organization; an organization with an application on the challenge sees its applications' sessions. minutes and outcome are for admins only.";

@ApiTags('sessions')
@Controller('challenges')
export class ChallengeSessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Post(':id/sessions')
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary: 'Schedule a defence (答辩) or site visit (现场考察) for an application in review',
    description:
      "The challenge must be under_review and the application on it under_review or shortlisted; scheduledAt in the future; a location, a meetingLink (https) or both. The application's and the issuer's organizations are notified.",
    errors: ['FORBIDDEN', 'NOT_FOUND', 'BUSINESS_RULE_VIOLATION'],
  })
  @ApiCreatedResponse({ type: SessionResponseDto })
  async schedule(
    @Auth() auth: Principal,
    @Param('id', uuid) challengeId: string,
    @Body() dto: CreateSessionDto,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<SessionResponseDto> {
    return withEtag(res, await this.sessions.schedule(auth, challengeId, dto));
  }

  @Get(':id/sessions')
  @Authenticated({ roles: ['admin', 'issuer', 'applicant'] })
  @Endpoint({
    summary: "A challenge's defence and site-visit sessions, earliest first",
    description: WHO_SEES,
    errors: ['NOT_FOUND'],
  })
  @ApiPageResponse(SessionResponseDto)
  list(
    @Auth() auth: Principal,
    @Param('id', uuid) challengeId: string,
    @Query() query: ListSessionsQueryDto,
  ): Promise<Page<SessionResponseDto>> {
    return this.sessions.list(auth, challengeId, query);
  }
}

@ApiTags('sessions')
@Controller('sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get(':id')
  @Authenticated({ roles: ['admin', 'issuer', 'applicant'] })
  @Endpoint({ summary: 'Read a defence or site-visit session', description: WHO_SEES, errors: ['NOT_FOUND'] })
  @ApiOkResponse({ type: SessionResponseDto })
  async get(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<SessionResponseDto> {
    return withEtag(res, await this.sessions.get(auth, id));
  }

  @Patch(':id')
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary:
      'Reschedule a session, record it held (minutes and outcome) or cancel it (a reason); If-Match required',
    description:
      "Held and cancelled are final. Reschedules and cancellations notify the application's and the issuer's organizations.",
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION', 'BUSINESS_RULE_VIOLATION', 'PRECONDITION_REQUIRED'],
    transitions: { machine: SESSION_MACHINE, actions: ['reschedule', 'hold', 'cancel'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: SessionResponseDto })
  async update(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: UpdateSessionDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<SessionResponseDto> {
    return withEtag(res, await this.sessions.update(auth, id, dto, version));
  }
}

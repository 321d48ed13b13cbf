import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { HttpResponse, SendingHttpResponse } from '../../../infra/http/http-types';
import { Uncompressed } from '../../../infra/http/compression';
import { Auth, Authenticated } from '../../../common/auth/decorators';
import type { Principal } from '../../../common/auth/principal';
import { ApiIfMatch, IfMatch, withEtag } from '../../../common/concurrency/etag';
import { ApiPageResponse, Page } from '../../../common/pagination/pagination';
import { PLEDGE_TEXT } from './application-rules';
import { ApplicationQueriesService } from './application-queries.service';
import { ApplicationSubmissionService } from './application-submission.service';
import { ApplicationsService } from './applications.service';
import { FormalCheckService } from './formal-check.service';
import {
  CreateApplicationDto,
  FormalCheckDto,
  PledgeDto,
  UpdateApplicationDto,
} from './dto/application-input.dto';
import { ApplicationResponseDto, ListApplicationsQueryDto } from './dto/application-response.dto';
import { Endpoint } from '../../../common/openapi/endpoint';
import { APPLICATION_MACHINE } from './application-status';

const uuid = new ParseUUIDPipe({ version: undefined, errorHttpStatusCode: 404 });

@ApiTags('applications')
@Controller('challenges')
export class ChallengeApplicationsController {
  constructor(
    private readonly applications: ApplicationsService,
    private readonly queries: ApplicationQueriesService,
  ) {}

  @Post(':id/applications')
  @Authenticated({ roles: ['applicant'] })
  @Endpoint({
    summary: "Start an application (draft) on an open challenge for one of your organization's teams",
    description:
      'One application per team per challenge. Commitments and milestones may be completed before submitting.',
    errors: [
      'FORBIDDEN',
      'NOT_FOUND',
      'ALREADY_EXISTS',
      'INVALID_STATE_TRANSITION',
      'BUSINESS_RULE_VIOLATION',
      'DEADLINE_PASSED',
    ],
    transitions: { machine: APPLICATION_MACHINE, actions: ['create'] },
  })
  @ApiCreatedResponse({ type: ApplicationResponseDto })
  async create(
    @Auth() auth: Principal,
    @Param('id', uuid) challengeId: string,
    @Body() dto: CreateApplicationDto,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ApplicationResponseDto> {
    return withEtag(res, await this.applications.create(auth, challengeId, dto));
  }

  @Get(':id/applications')
  @Authenticated({ roles: ['issuer', 'admin'] })
  @Endpoint({
    summary:
      'The submitted applications on a challenge, in order of submission (its issuer organization and admins; never drafts)',
    description:
      "Identities are hidden from the issuer when the program's issuerSeesApplicantIdentities is false.",
    errors: ['NOT_FOUND'],
  })
  @ApiPageResponse(ApplicationResponseDto)
  listOfChallenge(
    @Auth() auth: Principal,
    @Param('id', uuid) challengeId: string,
    @Query() query: ListApplicationsQueryDto,
  ): Promise<Page<ApplicationResponseDto>> {
    return this.queries.listOfChallenge(auth, challengeId, query);
  }
}

@ApiTags('applications')
@Controller('applications')
export class ApplicationsController {
  constructor(
    private readonly applications: ApplicationsService,
    private readonly submission: ApplicationSubmissionService,
    private readonly formalChecks: FormalCheckService,
    private readonly queries: ApplicationQueriesService,
  ) {}

  @Get('mine')
  @Authenticated({ roles: ['applicant'] })
  @Endpoint({ summary: "Your organization's applications, newest first", errors: ['FORBIDDEN'] })
  @ApiPageResponse(ApplicationResponseDto)
  listMine(
    @Auth() auth: Principal,
    @Query() query: ListApplicationsQueryDto,
  ): Promise<Page<ApplicationResponseDto>> {
    return this.queries.listMine(auth, query);
  }

  @Get(':id')
  @Authenticated({ roles: ['applicant', 'issuer', 'admin'] })
  @Endpoint({
    summary: "Read an application (its organization; the challenge's issuer once submitted; admins)",
    errors: ['NOT_FOUND'],
  })
  @ApiOkResponse({ type: ApplicationResponseDto })
  async get(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ApplicationResponseDto> {
    return withEtag(res, await this.queries.get(auth, id));
  }

  @Get(':id/attachments/:attachmentId')
  @Authenticated({ roles: ['applicant', 'issuer', 'admin'] })
  @Endpoint({
    summary:
      'Download an attachment of an application (whoever may read the application, except an issuer from whom identities are hidden)',
    errors: ['NOT_FOUND'],
  })
  @Uncompressed()
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({
    description: 'The file, with its content type and a Content-Disposition file name',
    schema: { type: 'string', format: 'binary' },
  })
  async download(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Param('attachmentId', uuid) attachmentId: string,
    @Res() res: SendingHttpResponse,
  ): Promise<void> {
    await this.queries.sendAttachment(auth, id, attachmentId, res);
  }

  @Patch(':id')
  @Authenticated({ roles: ['applicant'] })
  @Endpoint({
    summary: 'Edit a draft or correct a returned application (If-Match required); clears the pledge',
    errors: [
      'FORBIDDEN',
      'NOT_FOUND',
      'INVALID_STATE_TRANSITION',
      'BUSINESS_RULE_VIOLATION',
      'DEADLINE_PASSED',
      'PRECONDITION_REQUIRED',
    ],
    transitions: { machine: APPLICATION_MACHINE, actions: ['edit'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ApplicationResponseDto })
  async update(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: UpdateApplicationDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ApplicationResponseDto> {
    return withEtag(res, await this.applications.update(auth, id, dto, version));
  }

  @Post(':id/pledge')
  @HttpCode(200)
  @Authenticated({ roles: ['applicant'] })
  @Endpoint({
    summary: 'The team leader accepts the responsibility pledge (军令状) for the application as it stands',
    description: `The text: ${PLEDGE_TEXT}`,
    errors: ['FORBIDDEN', 'NOT_FOUND', 'INVALID_STATE_TRANSITION', 'DEADLINE_PASSED'],
    transitions: { machine: APPLICATION_MACHINE, actions: ['pledge'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ApplicationResponseDto })
  async pledge(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() _dto: PledgeDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ApplicationResponseDto> {
    return withEtag(res, await this.applications.pledge(auth, id, version));
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Authenticated({ roles: ['applicant'] })
  @Endpoint({
    summary: 'Submit the application; accepted only if it commits before closesAt',
    description: `Needs the pledge, a committed value for every indicator and at least one milestone; the leader may hold at most the challenge's (or program's) limit of applications in play or won (LEADER_LIMIT_REACHED).`,
    errors: [
      'VALIDATION_FAILED',
      'FORBIDDEN',
      'NOT_FOUND',
      'INVALID_STATE_TRANSITION',
      'BUSINESS_RULE_VIOLATION',
      'DEADLINE_PASSED',
      'LEADER_LIMIT_REACHED',
    ],
    transitions: { machine: APPLICATION_MACHINE, actions: ['submit'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ApplicationResponseDto })
  async submit(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ApplicationResponseDto> {
    return withEtag(res, await this.submission.submit(auth, id, version));
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @Authenticated({ roles: ['applicant'] })
  @Endpoint({
    summary: 'Withdraw the application before the challenge closes',
    errors: ['FORBIDDEN', 'NOT_FOUND', 'INVALID_STATE_TRANSITION', 'DEADLINE_PASSED'],
    transitions: { machine: APPLICATION_MACHINE, actions: ['withdraw'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ApplicationResponseDto })
  async withdraw(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ApplicationResponseDto> {
    return withEtag(res, await this.applications.withdraw(auth, id, version));
  }

  @Post(':id/formal-check')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary:
      'Formal check (形式审查): eligible, ineligible or returned with a reason; the answer carries the rule results',
    description: 'eligible is refused while a rule fails; returned only before closesAt.',
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION', 'BUSINESS_RULE_VIOLATION', 'DEADLINE_PASSED'],
    transitions: {
      machine: APPLICATION_MACHINE,
      actions: ['declare_eligible', 'declare_ineligible', 'return'],
    },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ApplicationResponseDto })
  async formalCheck(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: FormalCheckDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ApplicationResponseDto> {
    return withEtag(res, await this.formalChecks.formalCheck(auth, id, dto, version));
  }
}

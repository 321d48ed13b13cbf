import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { HttpResponse } from '../../../infra/http/http-types';
import { Auth, Authenticated, OptionalAuth } from '../../../common/auth/decorators';
import type { Principal, Role } from '../../../common/auth/principal';
import { ApiIfMatch, IfMatch, withEtag } from '../../../common/concurrency/etag';
import { Endpoint } from '../../../common/openapi/endpoint';
import { ApiPageResponse, Page } from '../../../common/pagination/pagination';
import { AcceptNdaDto } from '../../call/challenges/dto/challenge-input.dto';
import { ListResultsQueryDto } from './dto/list-results.query';
import {
  CreateResultDto,
  FileUtilisationDto,
  ReturnResultDto,
  UpdateResultDto,
} from './dto/result-input.dto';
import {
  ResultConfidentialResponseDto,
  ResultNdaResponseDto,
  ResultResponseDto,
  UtilisationReportDto,
} from './dto/result-response.dto';
import { ResultUtilisationService } from './result-utilisation.service';
import { ResultsAuthoringService } from './results-authoring.service';
import { ResultsQueriesService } from './results-queries.service';
import { RESULT_MACHINE, UTILISATION_MACHINE } from './results-status';
import { ResultsVettingService } from './results-vetting.service';

/** Any person of an organization (not the platform's security or audit administrators, ADR 0043). */
const MEMBERS: Role[] = ['issuer', 'applicant', 'expert', 'broker', 'user_manager'];
/** Members, and admins who vet results. */
const READERS: Role[] = [...MEMBERS, 'admin'];

const uuid = new ParseUUIDPipe({ version: undefined, errorHttpStatusCode: 404 });
const year = new ParseIntPipe({ errorHttpStatusCode: 404 });

@ApiTags('results')
@Controller('results')
export class ResultsController {
  constructor(
    private readonly queries: ResultsQueriesService,
    private readonly authoring: ResultsAuthoringService,
    private readonly vetting: ResultsVettingService,
  ) {}

  @Get()
  @OptionalAuth()
  @Endpoint({
    summary: 'The results library (成果库): published results for everyone; scope=mine/all with credentials',
    description:
      'Filters: industryChain, type, transferMode, minTrl/maxTrl (the claimed TRL). Never the confidential details ' +
      'nor a person; `status` filters scope=mine (the caller’s organization) and scope=all (admins, brokers).',
    errors: ['UNAUTHENTICATED', 'FORBIDDEN'],
  })
  @ApiPageResponse(ResultResponseDto)
  list(
    @Auth() auth: Principal | undefined,
    @Query() query: ListResultsQueryDto,
  ): Promise<Page<ResultResponseDto>> {
    return this.queries.list(auth, query);
  }

  @Post()
  @HttpCode(201)
  @Authenticated({ roles: MEMBERS })
  @Endpoint({
    summary: "Enter a result as a draft of the caller's organization (its holder)",
    description:
      'Any person of an organization. The industry chain must be active (422 naming industryChain).',
    errors: ['FORBIDDEN', 'VALIDATION_FAILED'],
    transitions: { machine: RESULT_MACHINE, actions: ['create'] },
  })
  @ApiCreatedResponse({ type: ResultResponseDto })
  async create(
    @Auth() auth: Principal,
    @Body() dto: CreateResultDto,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ResultResponseDto> {
    return withEtag(res, await this.authoring.create(auth, dto));
  }

  @Get(':id')
  @OptionalAuth()
  @Endpoint({
    summary: 'A result: published ones for everyone; the holder, brokers and admins see every status',
    errors: ['NOT_FOUND'],
  })
  @ApiOkResponse({ type: ResultResponseDto })
  async get(
    @Auth() auth: Principal | undefined,
    @Param('id', uuid) id: string,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ResultResponseDto> {
    return withEtag(res, await this.queries.get(auth, id));
  }

  @Patch(':id')
  @Authenticated({ roles: MEMBERS })
  @Endpoint({
    summary: 'Edit a draft or a returned result (the holder); verifiedTrl is not editable',
    errors: ['FORBIDDEN', 'NOT_FOUND', 'INVALID_STATE_TRANSITION', 'VALIDATION_FAILED'],
    transitions: { machine: RESULT_MACHINE, actions: ['update'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ResultResponseDto })
  async update(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: UpdateResultDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ResultResponseDto> {
    return withEtag(res, await this.authoring.update(auth, id, dto, version));
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Authenticated({ roles: MEMBERS })
  @Endpoint({
    summary:
      'Send a result to vetting (the holder); 422 naming what is missing (claimed TRL, transfer modes)',
    errors: ['FORBIDDEN', 'NOT_FOUND', 'INVALID_STATE_TRANSITION', 'BUSINESS_RULE_VIOLATION'],
    transitions: { machine: RESULT_MACHINE, actions: ['submit'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ResultResponseDto })
  async submit(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ResultResponseDto> {
    return withEtag(res, await this.authoring.submit(auth, id, version));
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @Authenticated({ roles: MEMBERS })
  @Endpoint({
    summary: 'Withdraw a result from the library for good (the holder)',
    errors: ['FORBIDDEN', 'NOT_FOUND', 'INVALID_STATE_TRANSITION'],
    transitions: { machine: RESULT_MACHINE, actions: ['withdraw'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ResultResponseDto })
  async withdraw(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ResultResponseDto> {
    return withEtag(res, await this.authoring.withdraw(auth, id, version));
  }

  @Post(':id/publish')
  @HttpCode(200)
  @Authenticated({ roles: ['admin', 'broker'] })
  @Endpoint({
    summary: 'Publish a submitted result into the public library (a broker or an admin)',
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION'],
    transitions: { machine: RESULT_MACHINE, actions: ['publish'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ResultResponseDto })
  async publish(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ResultResponseDto> {
    return withEtag(res, await this.vetting.publish(auth, id, version));
  }

  @Post(':id/return')
  @HttpCode(200)
  @Authenticated({ roles: ['admin', 'broker'] })
  @Endpoint({
    summary: 'Return a submitted result to its holder with a reason (a broker or an admin)',
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION'],
    transitions: { machine: RESULT_MACHINE, actions: ['return'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ResultResponseDto })
  async return(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: ReturnResultDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ResultResponseDto> {
    return withEtag(res, await this.vetting.return(auth, id, dto.reason, version));
  }

  @Post(':id/nda')
  @HttpCode(200)
  @Authenticated({ roles: READERS })
  @Endpoint({
    summary:
      'Record your non-disclosure undertaking for a published result (audited); repeating it returns the first record',
    errors: ['FORBIDDEN', 'NOT_FOUND', 'INVALID_STATE_TRANSITION'],
    transitions: { machine: RESULT_MACHINE, actions: ['accept_nda'] },
  })
  @ApiOkResponse({ type: ResultNdaResponseDto })
  acceptNda(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() _dto: AcceptNdaDto,
  ): Promise<ResultNdaResponseDto> {
    return this.queries.acceptNda(auth, id);
  }

  @Get(':id/confidential')
  @Authenticated({ roles: READERS })
  @Endpoint({
    summary: 'The confidential details: the holder, brokers, admins, and those who made the undertaking',
    errors: ['FORBIDDEN', 'NDA_REQUIRED', 'NOT_FOUND'],
  })
  @ApiOkResponse({ type: ResultConfidentialResponseDto })
  getConfidential(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
  ): Promise<ResultConfidentialResponseDto> {
    return this.queries.getConfidential(auth, id);
  }
}

@ApiTags('results')
@Controller('results/:id/utilisation-reports')
export class ResultUtilisationController {
  constructor(private readonly utilisation: ResultUtilisationService) {}

  @Get()
  @Authenticated({ roles: READERS })
  @Endpoint({
    summary:
      'The yearly utilisation reports of a result of an accepted project (the holder, brokers, admins)',
    errors: ['FORBIDDEN', 'NOT_FOUND'],
  })
  @ApiOkResponse({ type: [UtilisationReportDto] })
  list(@Auth() auth: Principal, @Param('id', uuid) id: string): Promise<UtilisationReportDto[]> {
    return this.utilisation.list(auth, id);
  }

  @Post(':year')
  @HttpCode(200)
  @Authenticated({ roles: MEMBERS })
  @Endpoint({
    summary:
      'File the utilisation report of a year once asked (the holder): whether and how the result is used',
    description:
      'Before the yearly request: 409; after the due date it is still accepted and stays marked as filed late.',
    errors: ['FORBIDDEN', 'NOT_FOUND', 'INVALID_STATE_TRANSITION'],
    transitions: { machine: UTILISATION_MACHINE, actions: ['report'] },
  })
  @ApiOkResponse({ type: UtilisationReportDto })
  file(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Param('year', year) y: number,
    @Body() dto: FileUtilisationDto,
  ): Promise<UtilisationReportDto> {
    return this.utilisation.file(auth, id, y, dto);
  }
}

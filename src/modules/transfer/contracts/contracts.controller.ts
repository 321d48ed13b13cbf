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
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, Authenticated, Public } from '../../../common/auth/decorators';
import type { Principal } from '../../../common/auth/principal';
import { ApiIfMatch, IfMatch, withEtag } from '../../../common/concurrency/etag';
import { Endpoint } from '../../../common/openapi/endpoint';
import { ApiPageResponse, Page, PageQueryDto } from '../../../common/pagination/pagination';
import type { HttpResponse } from '../../../infra/http/http-types';
import { ContractFilingService } from './contract-filing.service';
import { ContractQueriesService } from './contract-queries.service';
import { ContractRegistrationService } from './contract-registration.service';
import { CONTRACT_MACHINE } from './contract-status';
import {
  ContractReasonDto,
  CreateContractDto,
  ListContractsQueryDto,
  PublicContractsQueryDto,
  UpdateContractDto,
} from './dto/contract-input.dto';
import {
  ContractBrokerStatsDto,
  ContractResponseDto,
  ContractStatsDto,
  PublicContractDto,
} from './dto/contract-response.dto';

const uuid = new ParseUUIDPipe({ version: undefined, errorHttpStatusCode: 404 });

const WHO_SEES =
  'Users of the seller and buyer organizations (drafts included); registrars and admins once filed; anyone else 404.';
const RULES =
  '422 BUSINESS_RULE_VIOLATION naming the field: technologyTransactionAmountFen above contractAmountFen, signedOn after today (Beijing), an unknown regionCode, an unknown or retired industryChain, an unknown seller, buyer, project or broker, seller = buyer, or a caller whose organization is neither party. Malformed input (negative amounts, unknown type) is 400.';

/** The public side: registered contracts and their figures (no confidential fields, no person). */
@ApiTags('contracts')
@Controller('contracts')
export class PublicContractsController {
  constructor(private readonly queries: ContractQueriesService) {}

  @Get('registered')
  @Public()
  @Endpoint({
    summary: 'Registered technology contracts (public): amounts, type, chain, region, number and date',
    description:
      'Most recently registered first. The parties are named only when the contract is not confidential; the broker and any person never.',
    errors: [],
  })
  @ApiPageResponse(PublicContractDto)
  listRegistered(@Query() query: PublicContractsQueryDto): Promise<Page<PublicContractDto>> {
    return this.queries.listRegistered(query);
  }

  @Get('stats')
  @Public()
  @Endpoint({
    summary: 'Registered technology contracts counted by industry chain, region and type (public)',
    description:
      'Counts and sums in fen of registered contracts only, live; how many were brokered. Per broker: GET /contracts/stats/brokers (registrars, admins).',
    errors: [],
  })
  @ApiOkResponse({ type: ContractStatsDto })
  stats(): Promise<ContractStatsDto> {
    return this.queries.stats();
  }

  @Get('stats/brokers')
  @Authenticated({ roles: ['registrar', 'admin'] })
  @Endpoint({
    summary: 'Registered technology contracts counted per broker (registrars, admins)',
    description: 'Keyed by the broker user id; not public (a broker is a person).',
    errors: ['FORBIDDEN'],
  })
  @ApiOkResponse({ type: ContractBrokerStatsDto })
  brokerStats(): Promise<ContractBrokerStatsDto> {
    return this.queries.brokerStats();
  }
}

/** A published result's transfers: the registered contracts that name it (TRANSFER.md). */
@ApiTags('contracts')
@Controller('results')
export class ResultTransfersController {
  constructor(private readonly queries: ContractQueriesService) {}

  @Get(':id/transfers')
  @Public()
  @Endpoint({
    summary: "A published result's transfers: the registered contracts that name it (public)",
    description:
      'Most recently registered first, in the public form of GET /contracts/registered (parties only when the contract is not confidential; no broker, no person). 404 when the result is not published.',
    errors: ['NOT_FOUND'],
  })
  @ApiPageResponse(PublicContractDto)
  transfers(@Param('id', uuid) id: string, @Query() query: PageQueryDto): Promise<Page<PublicContractDto>> {
    return this.queries.transfersOfResult(id, query);
  }
}

/** Filing (parties) and registration (registrars) of technology contracts (技术合同登记). */
@ApiTags('contracts')
@Controller('contracts')
export class ContractsController {
  constructor(
    private readonly filing: ContractFilingService,
    private readonly registration: ContractRegistrationService,
    private readonly queries: ContractQueriesService,
  ) {}

  @Post()
  @Authenticated({ roles: ['issuer', 'applicant'] })
  @Endpoint({
    summary: 'Draft a technology contract record (a party: the seller or the buyer)',
    description: `${RULES} Attachments must be uploaded by the caller's organization (400 otherwise).`,
    errors: ['FORBIDDEN', 'BUSINESS_RULE_VIOLATION'],
    transitions: { machine: CONTRACT_MACHINE, actions: ['create'] },
  })
  @ApiCreatedResponse({ type: ContractResponseDto })
  async create(
    @Auth() auth: Principal,
    @Body() dto: CreateContractDto,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ContractResponseDto> {
    return withEtag(res, await this.filing.create(auth, dto));
  }

  @Get()
  @Authenticated({ roles: ['issuer', 'applicant', 'registrar', 'admin'] })
  @Endpoint({
    summary: "Contract records: registrars and admins every filed one, others their organization's",
    errors: [],
  })
  @ApiPageResponse(ContractResponseDto)
  list(@Auth() auth: Principal, @Query() query: ListContractsQueryDto): Promise<Page<ContractResponseDto>> {
    return this.queries.list(auth, query);
  }

  @Get(':id')
  @Authenticated({ roles: ['issuer', 'applicant', 'registrar', 'admin'] })
  @Endpoint({ summary: 'Read a contract record', description: WHO_SEES, errors: ['NOT_FOUND'] })
  @ApiOkResponse({ type: ContractResponseDto })
  async get(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ContractResponseDto> {
    return withEtag(res, await this.queries.get(auth, id));
  }

  @Patch(':id')
  @Authenticated({ roles: ['issuer', 'applicant'] })
  @Endpoint({
    summary: 'Change a draft or returned contract record (a party)',
    description: `${WHO_SEES} ${RULES}`,
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION', 'BUSINESS_RULE_VIOLATION'],
    transitions: { machine: CONTRACT_MACHINE, actions: ['edit'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ContractResponseDto })
  async update(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: UpdateContractDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ContractResponseDto> {
    return withEtag(res, await this.filing.update(auth, id, dto, version));
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Authenticated({ roles: ['issuer', 'applicant'] })
  @Endpoint({
    summary: 'File a contract record for registration (a party)',
    description: `The rules are checked again. ${RULES} Publishes contract.submitted.`,
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION', 'BUSINESS_RULE_VIOLATION'],
    transitions: { machine: CONTRACT_MACHINE, actions: ['submit'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ContractResponseDto })
  async submit(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ContractResponseDto> {
    return withEtag(res, await this.filing.submit(auth, id, version));
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @Authenticated({ roles: ['issuer', 'applicant'] })
  @Endpoint({
    summary: 'Withdraw a contract record before registration (a party)',
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION'],
    transitions: { machine: CONTRACT_MACHINE, actions: ['withdraw'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ContractResponseDto })
  async withdraw(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ContractResponseDto> {
    return withEtag(res, await this.filing.withdraw(auth, id, version));
  }

  @Post(':id/register')
  @HttpCode(200)
  @Authenticated({ roles: ['registrar', 'admin'] })
  @Endpoint({
    summary: 'Register a submitted contract: assigns JS-<region>-<year>-<seq> (registrars, admins)',
    description:
      'The number is the next of the contract region and the Beijing year of registration, without gaps or duplicates under concurrency (docs/adr/0061). Publishes contract.registered.',
    errors: ['FORBIDDEN', 'NOT_FOUND', 'INVALID_STATE_TRANSITION'],
    transitions: { machine: CONTRACT_MACHINE, actions: ['register'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ContractResponseDto })
  async register(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ContractResponseDto> {
    return withEtag(res, await this.registration.register(auth, id, version));
  }

  @Post(':id/return')
  @HttpCode(200)
  @Authenticated({ roles: ['registrar', 'admin'] })
  @Endpoint({
    summary: 'Return a submitted contract to its parties with a reason (registrars, admins)',
    description: 'Publishes contract.returned; the parties correct it and file it again.',
    errors: ['FORBIDDEN', 'NOT_FOUND', 'INVALID_STATE_TRANSITION'],
    transitions: { machine: CONTRACT_MACHINE, actions: ['return'] },
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: ContractResponseDto })
  async return(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: ContractReasonDto,
    @IfMatch() version: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<ContractResponseDto> {
    return withEtag(res, await this.registration.return(auth, id, dto.reason, version));
  }
}

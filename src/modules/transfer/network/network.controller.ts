import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { HttpResponse } from '../../../infra/http/http-types';
import { Auth, Authenticated } from '../../../common/auth/decorators';
import type { Principal } from '../../../common/auth/principal';
import { ApiIfMatch, IfMatch, withEtag } from '../../../common/concurrency/etag';
import { Endpoint } from '../../../common/openapi/endpoint';
import { ApiPageResponse, Page, PageQueryDto } from '../../../common/pagination/pagination';
import { BrokersService } from './brokers.service';
import {
  BrokerProfileResponseDto,
  CreateBrokerProfileDto,
  CreateNeedRouteDto,
  NeedRouteResponseDto,
  UpdateBrokerProfileDto,
} from './dto/network.dto';
import { NeedRoutesService } from './need-routes.service';

const uuid = new ParseUUIDPipe({ version: undefined, errorHttpStatusCode: 404 });

@ApiTags('service-network')
@Controller('brokers')
export class BrokersController {
  constructor(private readonly brokers: BrokersService) {}

  @Get()
  @Authenticated({ roles: ['admin'] })
  @Endpoint({ summary: 'List broker profiles, newest first' })
  @ApiPageResponse(BrokerProfileResponseDto)
  list(@Query() query: PageQueryDto): Promise<Page<BrokerProfileResponseDto>> {
    return this.brokers.list(query);
  }

  @Post()
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary: "Create a broker's profile (the user holds the broker role in a service_center organization)",
    errors: ['ALREADY_EXISTS'],
  })
  @ApiCreatedResponse({ type: BrokerProfileResponseDto })
  async create(
    @Auth() auth: Principal,
    @Body() dto: CreateBrokerProfileDto,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<BrokerProfileResponseDto> {
    return withEtag(res, await this.brokers.create(auth, dto));
  }

  @Get('me')
  @Authenticated({ roles: ['broker'] })
  @Endpoint({ summary: "The caller's own broker profile", errors: ['NOT_FOUND'] })
  @ApiOkResponse({ type: BrokerProfileResponseDto })
  async mine(
    @Auth() auth: Principal,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<BrokerProfileResponseDto> {
    return withEtag(res, await this.brokers.mine(auth));
  }

  @Get(':id')
  @Authenticated({ roles: ['admin', 'broker'] })
  @Endpoint({ summary: 'Read a broker profile (admin, or the broker itself)', errors: ['NOT_FOUND'] })
  @ApiOkResponse({ type: BrokerProfileResponseDto })
  async get(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<BrokerProfileResponseDto> {
    return withEtag(res, await this.brokers.get(auth, id));
  }

  @Patch(':id')
  @Authenticated({ roles: ['admin', 'broker'] })
  @Endpoint({
    summary: 'Change a broker profile (admin; the broker its own, but not `active`). If-Match required',
    errors: ['NOT_FOUND', 'FORBIDDEN', 'PRECONDITION_REQUIRED', 'VERSION_MISMATCH'],
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: BrokerProfileResponseDto })
  async update(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: UpdateBrokerProfileDto,
    @IfMatch() expectedVersion: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<BrokerProfileResponseDto> {
    return withEtag(res, await this.brokers.update(auth, id, dto, expectedVersion));
  }
}

@ApiTags('service-network')
@Controller('need-routes')
export class NeedRoutesController {
  constructor(private readonly routes: NeedRoutesService) {}

  @Get()
  @Authenticated({ roles: ['admin'] })
  @Endpoint({ summary: 'List the routing table of needs (region + optional chain → service centre)' })
  @ApiPageResponse(NeedRouteResponseDto)
  list(@Query() query: PageQueryDto): Promise<Page<NeedRouteResponseDto>> {
    return this.routes.list(query);
  }

  @Post()
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary: 'Add a route: needs of enterprises in the region (and chain) go to the centre',
    description:
      'The most specific route wins: district before city before province, and at each level a route of the need’s chain before one for every chain. Without a route a need goes to the provincial root centre (a service_center organization with no parent).',
    errors: ['ALREADY_EXISTS'],
  })
  @ApiCreatedResponse({ type: NeedRouteResponseDto })
  create(@Auth() auth: Principal, @Body() dto: CreateNeedRouteDto): Promise<NeedRouteResponseDto> {
    return this.routes.create(auth, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Authenticated({ roles: ['admin'] })
  @Endpoint({ summary: 'Delete a route', errors: ['NOT_FOUND'] })
  @ApiNoContentResponse({ description: 'Deleted' })
  delete(@Auth() auth: Principal, @Param('id', uuid) id: string): Promise<void> {
    return this.routes.delete(auth, id);
  }
}

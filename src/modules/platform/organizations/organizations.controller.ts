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
import type { HttpResponse } from '../../../infra/http/http-types';
import { Auth, Authenticated } from '../../../common/auth/decorators';
import type { Principal } from '../../../common/auth/principal';
import { ApiIfMatch, IfMatch, setEtag } from '../../../common/concurrency/etag';
import { ApiPageResponse, Page } from '../../../common/pagination/pagination';
import {
  CreateOrganizationDto,
  ListOrganizationsQueryDto,
  OrganizationResponseDto,
  UpdateOrganizationDto,
} from './dto/organization.dto';
import { OrganizationsService } from './organizations.service';
import { Endpoint } from '../../../common/openapi/endpoint';

const uuid = new ParseUUIDPipe({ version: undefined, errorHttpStatusCode: 404 });

@ApiTags('organizations')
@Controller('organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Get()
  @Authenticated({ roles: ['admin', 'security_admin'] })
  @Endpoint({ summary: 'List organizations, newest first (keyset paginated)' })
  @ApiPageResponse(OrganizationResponseDto)
  list(@Query() query: ListOrganizationsQueryDto): Promise<Page<OrganizationResponseDto>> {
    return this.organizations.list(query);
  }

  @Post()
  @Authenticated({ roles: ['admin'] })
  @Endpoint({ summary: 'Create an organization', errors: ['ALREADY_EXISTS'] })
  @ApiCreatedResponse({ type: OrganizationResponseDto })
  async create(
    @Auth() auth: Principal,
    @Body() dto: CreateOrganizationDto,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<OrganizationResponseDto> {
    const org = await this.organizations.create(auth, dto);
    setEtag(res, org.version);
    return org;
  }

  @Get(':id')
  @Authenticated({ roles: ['admin', 'security_admin', 'issuer', 'applicant', 'expert', 'broker'] })
  @Endpoint({ summary: 'Read an organization (admin, or a member of it)', errors: ['NOT_FOUND'] })
  @ApiOkResponse({ type: OrganizationResponseDto })
  async get(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<OrganizationResponseDto> {
    const org = await this.organizations.get(auth, id);
    setEtag(res, org.version);
    return org;
  }

  @Patch(':id')
  @Authenticated({ roles: ['admin', 'issuer', 'applicant'] })
  @Endpoint({
    summary: 'Change an organization (admin; members: name and region of their own)',
    errors: ['FORBIDDEN', 'NOT_FOUND', 'BUSINESS_RULE_VIOLATION'],
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: OrganizationResponseDto })
  async update(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: UpdateOrganizationDto,
    @IfMatch() expectedVersion: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<OrganizationResponseDto> {
    const org = await this.organizations.update(auth, id, dto, expectedVersion);
    setEtag(res, org.version);
    return org;
  }

  @Post(':id/verify')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @Endpoint({
    summary: 'Mark an organization as verified',
    errors: ['NOT_FOUND', 'INVALID_STATE_TRANSITION'],
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: OrganizationResponseDto })
  async verify(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @IfMatch() expectedVersion: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<OrganizationResponseDto> {
    const org = await this.organizations.verify(auth, id, expectedVersion);
    setEtag(res, org.version);
    return org;
  }
}

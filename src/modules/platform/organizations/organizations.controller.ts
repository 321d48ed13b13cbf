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
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
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
import { ApiErrors } from '../../../common/errors/api-errors';

const uuid = new ParseUUIDPipe({ version: undefined, errorHttpStatusCode: 404 });

@ApiTags('organizations')
@Controller('organizations')
export class OrganizationsController {
  constructor(private readonly organizations: OrganizationsService) {}

  @Get()
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({ summary: 'List organizations, newest first (keyset paginated)' })
  @ApiPageResponse(OrganizationResponseDto)
  list(@Query() query: ListOrganizationsQueryDto): Promise<Page<OrganizationResponseDto>> {
    return this.organizations.list(query);
  }

  @Post()
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({ summary: 'Create an organization' })
  @ApiCreatedResponse({ type: OrganizationResponseDto })
  @ApiErrors('ALREADY_EXISTS')
  async create(
    @Auth() auth: Principal,
    @Body() dto: CreateOrganizationDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<OrganizationResponseDto> {
    const org = await this.organizations.create(auth, dto);
    setEtag(res, org.version);
    return org;
  }

  @Get(':id')
  @Authenticated()
  @ApiOperation({ summary: 'Read an organization (admin, or a member of it)' })
  @ApiOkResponse({ type: OrganizationResponseDto })
  @ApiErrors('NOT_FOUND')
  async get(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<OrganizationResponseDto> {
    const org = await this.organizations.get(auth, id);
    setEtag(res, org.version);
    return org;
  }

  @Patch(':id')
  @Authenticated({ roles: ['admin', 'issuer', 'applicant'] })
  @ApiOperation({ summary: 'Change an organization (admin; members: name and region of their own)' })
  @ApiIfMatch()
  @ApiOkResponse({ type: OrganizationResponseDto })
  @ApiErrors('FORBIDDEN', 'NOT_FOUND', 'BUSINESS_RULE_VIOLATION')
  async update(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: UpdateOrganizationDto,
    @IfMatch() expectedVersion: number | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<OrganizationResponseDto> {
    const org = await this.organizations.update(auth, id, dto, expectedVersion);
    setEtag(res, org.version);
    return org;
  }

  @Post(':id/verify')
  @HttpCode(200)
  @Authenticated({ roles: ['admin'] })
  @ApiOperation({ summary: 'Mark an organization as verified' })
  @ApiIfMatch()
  @ApiOkResponse({ type: OrganizationResponseDto })
  @ApiErrors('NOT_FOUND', 'INVALID_STATE_TRANSITION')
  async verify(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @IfMatch() expectedVersion: number | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<OrganizationResponseDto> {
    const org = await this.organizations.verify(auth, id, expectedVersion);
    setEtag(res, org.version);
    return org;
  }
}

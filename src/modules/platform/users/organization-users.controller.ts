import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { HttpResponse } from '../../../infra/http/http-types';
import { Auth, Authenticated } from '../../../common/auth/decorators';
import type { Principal } from '../../../common/auth/principal';
import { ApiIfMatch, IfMatch, setEtag } from '../../../common/concurrency/etag';
import { Endpoint } from '../../../common/openapi/endpoint';
import { ApiPageResponse, Page, PageQueryDto } from '../../../common/pagination/pagination';
import { UpdateUserDto, UserResponseDto } from './dto/user.dto';
import { OrganizationUsersService } from './organization-users.service';
import { USER_MANAGEMENT_ROLES } from './user-management-policy';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 404 });

/**
 * An organization's users, managed by its user managers (and security administrators). The
 * platform-wide GET/PATCH /users stay the administrators' own.
 */
@ApiTags('users')
@Controller('organizations/:organizationId/users')
@Authenticated({ roles: USER_MANAGEMENT_ROLES })
export class OrganizationUsersController {
  constructor(private readonly users: OrganizationUsersService) {}

  @Get()
  @Endpoint({
    summary: "List an organization's users, newest first",
    description: "A user manager may list its own organization's only; another's answers 404.",
    errors: ['NOT_FOUND'],
  })
  @ApiPageResponse(UserResponseDto)
  list(
    @Auth() auth: Principal,
    @Param('organizationId', uuid) organizationId: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<UserResponseDto>> {
    return this.users.list(auth, organizationId, query);
  }

  @Patch(':id')
  @Endpoint({
    summary: "Disable or enable, rename, or change the roles of an organization's user",
    description:
      'A user manager may grant issuer, applicant, expert, broker and user_manager only, may not change an administrator, nor its own roles (403), nor disable itself (422). Disabling revokes every session at once. A security administrator changing roles here passes the rules of separated duties (ADR 43): 409 OWN_ROLES_UNCHANGEABLE, 422 ROLES_INCOMPATIBLE or ADMIN_ROLE_OUTSIDE_PLATFORM; granting `registrar` outside a `service_center` organization answers 422 BUSINESS_RULE_VIOLATION naming `roles`.',
    errors: [
      'NOT_FOUND',
      'FORBIDDEN',
      'BUSINESS_RULE_VIOLATION',
      'OWN_ROLES_UNCHANGEABLE',
      'ROLES_INCOMPATIBLE',
      'ADMIN_ROLE_OUTSIDE_PLATFORM',
    ],
  })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiIfMatch()
  async update(
    @Auth() auth: Principal,
    @Param('organizationId', uuid) organizationId: string,
    @Param('id', uuid) id: string,
    @Body() dto: UpdateUserDto,
    @IfMatch() expectedVersion: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<UserResponseDto> {
    const user = await this.users.update(auth, organizationId, id, dto, expectedVersion);
    setEtag(res, user.version);
    return user;
  }
}

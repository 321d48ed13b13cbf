import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import type { HttpResponse } from '../../../infra/http/http-types';
import { ApiIfMatch, IfMatch, setEtag } from '../../../common/concurrency/etag';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, Authenticated } from '../../../common/auth/decorators';
import type { Principal } from '../../../common/auth/principal';
import { ApiPageResponse, Page } from '../../../common/pagination/pagination';
import { CreateUserDto, ListUsersQueryDto, UpdateUserDto, UserResponseDto } from './dto/user.dto';
import { UsersService } from './users.service';
import { NoIdempotencyKey } from '../../../common/idempotency/idempotency.decorators';
import { Endpoint } from '../../../common/openapi/endpoint';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 404 });

/** The rules of separated duties (三员分立, ADR 43) every creation and role change passes. */
const DUTIES =
  'Separated duties (三员分立): `security_admin` and `audit_admin` are never held together, and `audit_admin` with no other role (422 ROLES_INCOMPATIBLE); administrative roles (`admin`, `security_admin`, `audit_admin`) only in the platform organization (422 ADMIN_ROLE_OUTSIDE_PLATFORM). `registrar` (technology contract registration) only for users of a `service_center` organization (422 BUSINESS_RULE_VIOLATION naming `roles`).';

@ApiTags('users')
@Controller('users')
@Authenticated({ roles: ['security_admin'] })
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Authenticated({ roles: ['security_admin', 'admin'] })
  @Endpoint({
    summary: 'List users, newest first; filter by organization',
    description:
      'The security administrator, and the system administrator (read only: who holds which role).',
  })
  @ApiPageResponse(UserResponseDto)
  list(@Query() query: ListUsersQueryDto): Promise<Page<UserResponseDto>> {
    return this.users.list(query);
  }

  @Post()
  @NoIdempotencyKey(
    'The body carries the initial password (its fingerprint would be a fast hash of it); email is unique, so a retry is a 409, never a second user',
  )
  @Endpoint({
    summary: 'Create a user in an organization, with roles',
    description: DUTIES,
    errors: [
      'ALREADY_EXISTS',
      { FORBIDDEN: 'an administrative role granted by someone who is not a security administrator' },
      {
        BUSINESS_RULE_VIOLATION:
          '`registrar` for a user of an organization that is not a service_center (`roles` named)',
      },
      'ROLES_INCOMPATIBLE',
      'ADMIN_ROLE_OUTSIDE_PLATFORM',
    ],
  })
  @ApiCreatedResponse({ type: UserResponseDto })
  async create(
    @Auth() auth: Principal,
    @Body() dto: CreateUserDto,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<UserResponseDto> {
    const user = await this.users.create(auth, dto);
    setEtag(res, user.version);
    return user;
  }

  @Patch(':id')
  @Endpoint({
    summary: 'Change roles, enable or disable, rename a user',
    description: `${DUTIES} Nobody changes their own roles (409 OWN_ROLES_UNCHANGEABLE) or disables themself (422 BUSINESS_RULE_VIOLATION).`,
    errors: [
      'NOT_FOUND',
      {
        FORBIDDEN: 'an administrative role granted or removed by someone who is not a security administrator',
      },
      'OWN_ROLES_UNCHANGEABLE',
      'BUSINESS_RULE_VIOLATION',
      'ROLES_INCOMPATIBLE',
      'ADMIN_ROLE_OUTSIDE_PLATFORM',
    ],
  })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiIfMatch()
  async update(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: UpdateUserDto,
    @IfMatch() expectedVersion: number | undefined,
    @Res({ passthrough: true }) res: HttpResponse,
  ): Promise<UserResponseDto> {
    const user = await this.users.update(auth, id, dto, expectedVersion);
    setEtag(res, user.version);
    return user;
  }
}

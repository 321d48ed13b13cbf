import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
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

@ApiTags('users')
@Controller('users')
@Authenticated({ roles: ['admin'] })
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Endpoint({ summary: 'List users, newest first; filter by organization' })
  @ApiPageResponse(UserResponseDto)
  list(@Query() query: ListUsersQueryDto): Promise<Page<UserResponseDto>> {
    return this.users.list(query);
  }

  @Post()
  @NoIdempotencyKey(
    'The body carries the initial password (its fingerprint would be a fast hash of it); email is unique, so a retry is a 409, never a second user',
  )
  @Endpoint({ summary: 'Create a user in an organization, with roles', errors: ['ALREADY_EXISTS'] })
  @ApiCreatedResponse({ type: UserResponseDto })
  async create(
    @Auth() auth: Principal,
    @Body() dto: CreateUserDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UserResponseDto> {
    const user = await this.users.create(auth, dto);
    setEtag(res, user.version);
    return user;
  }

  @Patch(':id')
  @Endpoint({
    summary: 'Change roles, enable or disable, rename a user',
    errors: ['NOT_FOUND', 'BUSINESS_RULE_VIOLATION'],
  })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiIfMatch()
  async update(
    @Auth() auth: Principal,
    @Param('id', uuid) id: string,
    @Body() dto: UpdateUserDto,
    @IfMatch() expectedVersion: number | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UserResponseDto> {
    const user = await this.users.update(auth, id, dto, expectedVersion);
    setEtag(res, user.version);
    return user;
  }
}

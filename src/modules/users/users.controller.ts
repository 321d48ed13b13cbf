import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ApiIfMatch, IfMatch, setEtag } from '../../common/concurrency/etag';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Auth, Authenticated } from '../../common/auth/decorators';
import type { Principal } from '../../common/auth/principal';
import { ProblemDto } from '../../common/errors/problem';
import { ApiPageResponse, Page } from '../../common/pagination/pagination';
import { CreateUserDto, ListUsersQueryDto, UpdateUserDto, UserResponseDto } from './dto/user.dto';
import { UsersService } from './users.service';
import { NoIdempotencyKey } from '../../common/idempotency/idempotency.decorators';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 404 });

@ApiTags('users')
@Controller('users')
@Authenticated({ roles: ['admin'] })
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'List users, newest first; filter by organization' })
  @ApiPageResponse(UserResponseDto)
  @ApiBadRequestResponse({ description: 'Bad query or cursor', type: ProblemDto })
  list(@Query() query: ListUsersQueryDto): Promise<Page<UserResponseDto>> {
    return this.users.list(query);
  }

  @Post()
  @NoIdempotencyKey(
    'The body carries the initial password (its fingerprint would be a fast hash of it); email is unique, so a retry is a 409, never a second user',
  )
  @ApiOperation({ summary: 'Create a user in an organization, with roles' })
  @ApiCreatedResponse({ type: UserResponseDto })
  @ApiBadRequestResponse({ description: 'Invalid body or unknown organization', type: ProblemDto })
  @ApiConflictResponse({ description: 'Email already registered', type: ProblemDto })
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
  @ApiOperation({ summary: 'Change roles, enable or disable, rename a user' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiBadRequestResponse({ description: 'Invalid body', type: ProblemDto })
  @ApiNotFoundResponse({ description: 'No such user', type: ProblemDto })
  @ApiIfMatch()
  @ApiConflictResponse({ description: 'VERSION_MISMATCH: stale If-Match version', type: ProblemDto })
  @ApiUnprocessableEntityResponse({
    description: 'An admin cannot disable or demote themself',
    type: ProblemDto,
  })
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

import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, Authenticated, Public } from '../../../common/auth/decorators';
import type { Principal } from '../../../common/auth/principal';
import { StrictRateLimit } from '../../../common/rate-limit/rate-limit.decorators';
import { AuthService } from './auth.service';
import {
  LoginDto,
  LogoutDto,
  MeResponseDto,
  RefreshDto,
  RegisterDto,
  RegisterResponseDto,
  TokenResponseDto,
} from './dto/auth.dto';
import { NoIdempotencyKey } from '../../../common/idempotency/idempotency.decorators';
import { ApiErrors } from '../../../common/errors/api-errors';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @NoIdempotencyKey(
    'The body carries a password (its fingerprint would be a fast hash of it) and the answer tokens; email and credit code are unique, so a retry is a 409, never a second account',
  )
  @Public()
  @StrictRateLimit()
  @ApiOperation({ summary: 'Register an organization and its first user (issuer or applicant)' })
  @ApiCreatedResponse({ type: RegisterResponseDto })
  @ApiErrors('ALREADY_EXISTS')
  register(@Body() dto: RegisterDto): Promise<RegisterResponseDto> {
    return this.auth.register(dto);
  }

  @Post('login')
  @NoIdempotencyKey('A replay would hand out stored tokens; a retry simply signs in again')
  @HttpCode(200)
  @Public()
  @StrictRateLimit()
  @ApiOperation({ summary: 'Sign in with email and password' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiErrors('INVALID_CREDENTIALS', 'LOGIN_LOCKED')
  login(@Body() dto: LoginDto): Promise<TokenResponseDto> {
    return this.auth.login(dto.email, dto.password);
  }

  @Post('refresh')
  @NoIdempotencyKey('A replay would hand out stored tokens; a refresh token is single-use anyway')
  @HttpCode(200)
  @Public()
  @StrictRateLimit()
  @ApiOperation({ summary: 'Exchange a refresh token (once) for a new token pair' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiErrors('REFRESH_TOKEN_INVALID')
  refresh(@Body() dto: RefreshDto): Promise<TokenResponseDto> {
    return this.auth.refresh(dto.refreshToken);
  }

  @Post('logout')
  @NoIdempotencyKey('The body is a refresh token; logging out twice is harmless (204 both times)')
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: 'Sign out: revoke the refresh token family' })
  @ApiNoContentResponse({ description: 'Signed out' })
  @ApiErrors('FORBIDDEN')
  async logout(@Auth() auth: Principal, @Body() dto: LogoutDto): Promise<void> {
    await this.auth.logout(auth, dto.refreshToken);
  }
}

@ApiTags('auth')
@Controller('me')
export class MeController {
  constructor(private readonly auth: AuthService) {}

  @Get()
  @Authenticated({ apiKey: true })
  @ApiOperation({ summary: 'The caller: profile, roles and organization (or the API key)' })
  @ApiErrors('NOT_FOUND')
  @ApiOkResponse({ type: MeResponseDto })
  me(@Auth() auth: Principal): Promise<MeResponseDto> {
    return this.auth.me(auth);
  }
}

import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { Auth, Authenticated, Public } from '../../../common/auth/decorators';
import { AllowWithoutMfa } from '../../../common/auth/mfa-policy';
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
import { Endpoint } from '../../../common/openapi/endpoint';
import { LoginResponseDto, MfaChallengeResponseDto } from './mfa/dto/mfa.dto';

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
  @Endpoint({
    summary: 'Register an organization and its first user (issuer or applicant)',
    errors: ['ALREADY_EXISTS'],
  })
  @ApiCreatedResponse({ type: RegisterResponseDto })
  register(@Body() dto: RegisterDto): Promise<RegisterResponseDto> {
    return this.auth.register(dto);
  }

  @Post('login')
  @NoIdempotencyKey('A replay would hand out stored tokens; a retry simply signs in again')
  @HttpCode(200)
  @Public()
  @StrictRateLimit()
  @Endpoint({
    summary: 'Sign in with email and password',
    description:
      'Answers the tokens, or — when the person has enrolled a TOTP authenticator — `{ mfaRequired: true, mfaToken }`: then send a code to POST /auth/login/mfa (ADR 0044).',
    errors: ['INVALID_CREDENTIALS', 'LOGIN_LOCKED'],
  })
  @ApiExtraModels(TokenResponseDto, MfaChallengeResponseDto)
  @ApiOkResponse({
    description: 'Tokens, or the challenge of the second step (`mfaRequired: true`)',
    schema: {
      oneOf: [{ $ref: getSchemaPath(TokenResponseDto) }, { $ref: getSchemaPath(MfaChallengeResponseDto) }],
    },
  })
  login(@Body() dto: LoginDto): Promise<LoginResponseDto> {
    return this.auth.login(dto.email, dto.password);
  }

  @Post('refresh')
  @NoIdempotencyKey('A replay would hand out stored tokens; a refresh token is single-use anyway')
  @HttpCode(200)
  @Public()
  @StrictRateLimit()
  @Endpoint({
    summary: 'Exchange a refresh token (once) for a new token pair',
    errors: ['REFRESH_TOKEN_INVALID'],
  })
  @ApiOkResponse({ type: TokenResponseDto })
  refresh(@Body() dto: RefreshDto): Promise<TokenResponseDto> {
    return this.auth.refresh(dto.refreshToken);
  }

  @Post('logout')
  @NoIdempotencyKey('The body is a refresh token; logging out twice is harmless (204 both times)')
  @HttpCode(204)
  @Authenticated()
  @AllowWithoutMfa()
  @Endpoint({ summary: 'Sign out: revoke the refresh token family', errors: ['FORBIDDEN'] })
  @ApiNoContentResponse({ description: 'Signed out' })
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
  @AllowWithoutMfa()
  @Endpoint({
    summary: 'The caller: profile, roles and organization (or the API key)',
    errors: ['NOT_FOUND'],
  })
  @ApiOkResponse({ type: MeResponseDto })
  me(@Auth() auth: Principal): Promise<MeResponseDto> {
    return this.auth.me(auth);
  }
}

import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, Authenticated, Public } from '../../../../common/auth/decorators';
import { AllowWithoutMfa } from '../../../../common/auth/mfa-policy';
import { requireUser } from '../../../../common/auth/principal';
import type { Principal } from '../../../../common/auth/principal';
import { NoIdempotencyKey } from '../../../../common/idempotency/idempotency.decorators';
import { Endpoint } from '../../../../common/openapi/endpoint';
import { StrictRateLimit } from '../../../../common/rate-limit/rate-limit.decorators';
import { TokenResponseDto } from '../dto/auth.dto';
import {
  LoginMfaDto,
  MfaStatusResponseDto,
  RecoveryCodesResponseDto,
  RemoveTotpDto,
  TotpCodeDto,
  TotpConfirmedResponseDto,
  TotpEnrolmentResponseDto,
} from './dto/mfa.dto';
import { MfaEnrolmentService } from './mfa-enrolment.service';
import { MfaLoginService } from './mfa-login.service';
import { MfaManagementService } from './mfa-management.service';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 404 });

/** The second step of signing in and a person's own TOTP authenticator (ADR 0044). */
@ApiTags('auth')
@Controller('auth')
export class MfaController {
  constructor(
    private readonly login: MfaLoginService,
    private readonly enrolment: MfaEnrolmentService,
    private readonly management: MfaManagementService,
  ) {}

  @Post('login/mfa')
  @NoIdempotencyKey('A replay would hand out stored tokens; a code works once anyway')
  @HttpCode(200)
  @Public()
  @StrictRateLimit()
  @Endpoint({
    summary: 'Second step of signing in: the challenge of POST /auth/login with a TOTP or recovery code',
    description:
      'Send `mfaToken` with either `code` (the authenticator app) or `recoveryCode`. A code works once; a wrong one counts toward the login lockout like a wrong password.',
    errors: [
      { MFA_TOKEN_INVALID: 'the challenge expired (5 min), or the account changed: sign in again' },
      { MFA_CODE_INVALID: 'wrong, expired or already used code' },
      'LOGIN_LOCKED',
    ],
  })
  @ApiOkResponse({ type: TokenResponseDto })
  loginMfa(@Body() dto: LoginMfaDto): Promise<TokenResponseDto> {
    return this.login.complete(dto);
  }

  @Get('mfa')
  @Authenticated()
  @AllowWithoutMfa()
  @Endpoint({ summary: "The caller's MFA: enrolment, recovery codes left, whether required" })
  @ApiOkResponse({ type: MfaStatusResponseDto })
  status(@Auth() auth: Principal): Promise<MfaStatusResponseDto> {
    return this.enrolment.status(requireUser(auth));
  }

  @Post('mfa/totp')
  @NoIdempotencyKey(
    'The answer is a new secret, never stored in the clear; a retry starts a new pending enrolment',
  )
  @Authenticated()
  @AllowWithoutMfa()
  @Endpoint({
    summary: 'Start enrolling a TOTP authenticator: a new secret and its otpauth:// URI',
    description: 'Pending until confirmed at POST /auth/mfa/totp/confirm; a pending one is replaced.',
    errors: ['NOT_FOUND', 'MFA_ALREADY_ENROLLED'],
  })
  @ApiOkResponse({ type: TotpEnrolmentResponseDto })
  @HttpCode(200)
  start(@Auth() auth: Principal): Promise<TotpEnrolmentResponseDto> {
    return this.enrolment.start(requireUser(auth));
  }

  @Post('mfa/totp/confirm')
  @NoIdempotencyKey('The answer carries the recovery codes and tokens, which must not be stored')
  @HttpCode(200)
  @Authenticated()
  @AllowWithoutMfa()
  @Endpoint({
    summary:
      'Confirm the pending authenticator with a current code: 10 recovery codes and a session that passed MFA',
    description:
      'From now on signing in asks for a code. The recovery codes are shown only in this answer; refresh tokens of password-only sessions stop working.',
    errors: ['NOT_FOUND', 'MFA_NOT_ENROLLED', 'MFA_ALREADY_ENROLLED', 'MFA_CODE_INVALID'],
  })
  @ApiOkResponse({ type: TotpConfirmedResponseDto })
  confirm(@Auth() auth: Principal, @Body() dto: TotpCodeDto): Promise<TotpConfirmedResponseDto> {
    return this.enrolment.confirm(requireUser(auth), dto.code);
  }

  @Delete('mfa/totp')
  @HttpCode(204)
  @Authenticated()
  @Endpoint({
    summary: 'Remove your authenticator (with a current code or the password)',
    description: 'Not for administrative roles, who must keep a second factor.',
    errors: [
      'NOT_FOUND',
      'MFA_REQUIRED_FOR_ROLE',
      'MFA_NOT_ENROLLED',
      'MFA_CODE_INVALID',
      { INVALID_CREDENTIALS: 'wrong password' },
      'LOGIN_LOCKED',
    ],
  })
  @ApiNoContentResponse({ description: 'Removed: signing in asks for the password only' })
  async remove(@Auth() auth: Principal, @Body() dto: RemoveTotpDto): Promise<void> {
    await this.management.remove(requireUser(auth), dto);
  }

  @Post('mfa/recovery-codes')
  @NoIdempotencyKey('The answer carries new recovery codes, which must not be stored')
  @HttpCode(200)
  @Authenticated()
  @Endpoint({
    summary: 'New recovery codes (with a current code); the old ones stop working',
    errors: ['NOT_FOUND', 'MFA_NOT_ENROLLED', 'MFA_CODE_INVALID', 'LOGIN_LOCKED'],
  })
  @ApiOkResponse({ type: RecoveryCodesResponseDto })
  regenerate(@Auth() auth: Principal, @Body() dto: TotpCodeDto): Promise<RecoveryCodesResponseDto> {
    return this.management.regenerateRecoveryCodes(requireUser(auth), dto.code);
  }
}

/** The security administrator's side: resetting a user's MFA. */
@ApiTags('users')
@Controller('users')
export class UserMfaController {
  constructor(private readonly management: MfaManagementService) {}

  @Delete(':id/mfa')
  @HttpCode(204)
  @Authenticated({ roles: ['security_admin'] })
  @Endpoint({
    summary: "Reset a user's MFA: the authenticator and recovery codes are removed, the user is signed out",
    description:
      'Security administrators only. The user enrols again (administrators must, at their next sign-in).',
    errors: [
      'NOT_FOUND',
      { BUSINESS_RULE_VIOLATION: 'your own MFA: another security administrator resets it' },
    ],
  })
  @ApiNoContentResponse({ description: 'Reset' })
  async reset(@Auth() auth: Principal, @Param('id', uuid) id: string): Promise<void> {
    await this.management.reset(requireUser(auth), id);
  }
}

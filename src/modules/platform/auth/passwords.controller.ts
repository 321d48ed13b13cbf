import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, Authenticated, Public } from '../../../common/auth/decorators';
import type { Principal } from '../../../common/auth/principal';
import { NoIdempotencyKey } from '../../../common/idempotency/idempotency.decorators';
import { Endpoint } from '../../../common/openapi/endpoint';
import { StrictRateLimit } from '../../../common/rate-limit/rate-limit.decorators';
import { ACCOUNT_ADMIN_ROLES } from '../users/user-management-policy';
import { TokenResponseDto } from './dto/auth.dto';
import {
  AcceptedInvitationResponseDto,
  ChangePasswordDto,
  PASSWORD_RESET_REQUESTED,
  PasswordResetConfirmDto,
  PasswordResetRequestDto,
  PasswordResetRequestedDto,
} from './dto/password.dto';
import { AcceptInvitationDto } from '../users/dto/invitation.dto';
import { PasswordChangeService } from './password-change.service';
import { PasswordResetService } from './password-reset.service';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 404 });

/** Password change and reset (ADR 0045). */
@ApiTags('auth')
@Controller('auth')
export class PasswordsController {
  constructor(
    private readonly change: PasswordChangeService,
    private readonly reset: PasswordResetService,
  ) {}

  @Post('password')
  @NoIdempotencyKey(
    'The body carries passwords and the answer tokens; a retry with the old password is a 400',
  )
  @HttpCode(200)
  @Authenticated()
  @StrictRateLimit()
  @Endpoint({
    summary: 'Change your password; every other session ends',
    description:
      'Needs the current password. Access tokens issued before stop working at once and every refresh token is revoked; the answer is a fresh token pair for this caller.',
    errors: ['VALIDATION_FAILED', 'FORBIDDEN', 'NOT_FOUND'],
  })
  @ApiOkResponse({ type: TokenResponseDto })
  changePassword(@Auth() auth: Principal, @Body() dto: ChangePasswordDto): Promise<TokenResponseDto> {
    return this.change.change(auth, dto.currentPassword, dto.newPassword);
  }

  @Post('password-reset')
  @NoIdempotencyKey('The same 202 for any address; a retry asks for a new link, which supersedes the last')
  @HttpCode(202)
  @Public()
  @StrictRateLimit()
  @Endpoint({
    summary: 'Ask for a password-reset link by e-mail',
    description:
      'Answers 202 with the same body whether or not the address is an account’s; an enabled account receives a mail with a one-time link (valid PASSWORD_RESET_TTL_MINUTES, default 60). Limited per client address (strict limit) and per e-mail address (PASSWORD_RESET_REQUESTS_PER_HOUR).',
    errors: ['RATE_LIMITED'],
  })
  @ApiAcceptedResponse({ type: PasswordResetRequestedDto })
  async requestReset(@Body() dto: PasswordResetRequestDto): Promise<PasswordResetRequestedDto> {
    await this.reset.request(dto.email);
    return PASSWORD_RESET_REQUESTED;
  }

  @Post('password-reset/confirm')
  @NoIdempotencyKey('The body carries a password; the token works once, so a retry is a 400')
  @HttpCode(204)
  @Public()
  @StrictRateLimit()
  @Endpoint({
    summary: 'Set a new password with the token of a reset link; every session ends',
    errors: ['ONE_TIME_TOKEN_INVALID'],
  })
  @ApiNoContentResponse({ description: 'Password set; sign in with it' })
  async confirmReset(@Body() dto: PasswordResetConfirmDto): Promise<void> {
    await this.reset.confirm(dto.token, dto.newPassword);
  }
}

/** A security administrator's forced reset of a user's password. */
@ApiTags('users')
@Controller('users')
export class ForcedPasswordResetController {
  constructor(private readonly reset: PasswordResetService) {}

  @Post(':id/password-reset')
  @HttpCode(204)
  @Authenticated({ roles: ACCOUNT_ADMIN_ROLES })
  @Endpoint({
    summary: "Force a reset of a user's password",
    description:
      'The password stops working, every session of the user ends, and an enabled user receives a reset mail.',
    errors: ['NOT_FOUND', 'FORBIDDEN'],
  })
  @ApiNoContentResponse({ description: 'Reset forced' })
  async force(@Auth() auth: Principal, @Param('id', uuid) id: string): Promise<void> {
    await this.reset.force(auth, id);
  }
}

/** Accepting an invitation: public, the link's token is the credential. */
@ApiTags('invitations')
@Controller('invitations')
export class InvitationAcceptController {
  constructor(private readonly change: PasswordChangeService) {}

  @Post('accept')
  @NoIdempotencyKey(
    'The body carries a password and the answer tokens; the token works once, so a retry is a 400',
  )
  @HttpCode(200)
  @Public()
  @StrictRateLimit()
  @Endpoint({
    summary: 'Accept an invitation: set your password; signed in',
    description:
      'Creates the user with the invited roles in the inviting organization. The rules of separated duties (ADR 43) were checked when the invitation was made and run again here: an invitation whose roles no longer fit (the platform organization, or the type of the inviting organization, changed) answers 403 or 422.',
    errors: [
      'ONE_TIME_TOKEN_INVALID',
      'ALREADY_EXISTS',
      'FORBIDDEN',
      'BUSINESS_RULE_VIOLATION',
      'ROLES_INCOMPATIBLE',
      'ADMIN_ROLE_OUTSIDE_PLATFORM',
    ],
  })
  @ApiOkResponse({ type: AcceptedInvitationResponseDto })
  accept(@Body() dto: AcceptInvitationDto): Promise<AcceptedInvitationResponseDto> {
    return this.change.acceptInvitation(dto.token, dto.password);
  }
}

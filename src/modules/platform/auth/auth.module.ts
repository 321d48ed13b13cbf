import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ApiKeyStrategy } from './strategies/api-key.strategy';
import { JwtStrategy } from './strategies/jwt.strategy';
import { APP_CONFIG } from '../../../infra/config/config';
import type { AppConfig } from '../../../infra/config/config';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { UsersModule } from '../users/users.module';
import { AuthController, MeController } from './auth.controller';
import { AuthService } from './auth.service';
import { LoginLockout } from './login-lockout';
import { MfaController, UserMfaController } from './mfa/mfa.controller';
import { MfaEnrolmentService } from './mfa/mfa-enrolment.service';
import { MfaLoginService } from './mfa/mfa-login.service';
import { MfaManagementService } from './mfa/mfa-management.service';
import { MfaRepository } from './mfa/mfa.repository';
import { SecondFactor } from './mfa/second-factor';
import { TotpSecretCipher } from './mfa/totp-secret-cipher';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { PasswordChangeService } from './password-change.service';
import { PasswordResetIssuer } from './password-reset-issuer';
import { PasswordResetTokensRepository } from './password-reset-tokens.repository';
import { PasswordResetService } from './password-reset.service';
import {
  ForcedPasswordResetController,
  InvitationAcceptController,
  PasswordsController,
} from './passwords.controller';
import { ResetRequestLimit } from './reset-request-limit';
import { SessionTokens } from './session-tokens';

/**
 * Sign-in, tokens, TOTP multi-factor sign-in (mfa/, ADR 0044) and the passport strategies the
 * global AuthGuard (src/common/auth) runs. MfaEnrolmentService is exported for the demo seed.
 */
@Module({
  imports: [
    PassportModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: config.JWT_ACCESS_SECRET,
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
    OrganizationsModule,
    UsersModule,
    ApiKeysModule,
  ],
  controllers: [
    AuthController,
    MeController,
    PasswordsController,
    ForcedPasswordResetController,
    InvitationAcceptController,
    MfaController,
    UserMfaController,
  ],
  providers: [
    AuthService,
    RefreshTokensRepository,
    LoginLockout,
    JwtStrategy,
    ApiKeyStrategy,
    SessionTokens,
    // Password lifecycle (ADR 0045)
    PasswordChangeService,
    PasswordResetService,
    PasswordResetIssuer,
    PasswordResetTokensRepository,
    ResetRequestLimit,
    // TOTP multi-factor sign-in (ADR 0044)
    MfaRepository,
    TotpSecretCipher,
    SecondFactor,
    MfaLoginService,
    MfaEnrolmentService,
    MfaManagementService,
  ],
  exports: [AuthService, MfaEnrolmentService],
})
export class AuthModule {}

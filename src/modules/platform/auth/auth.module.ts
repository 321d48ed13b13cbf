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

/** Sign-in, tokens and the passport strategies the global AuthGuard (src/common/auth) runs. */
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
  ],
  providers: [
    AuthService,
    RefreshTokensRepository,
    LoginLockout,
    JwtStrategy,
    ApiKeyStrategy,
    // Password lifecycle (ADR 0045)
    PasswordChangeService,
    PasswordResetService,
    PasswordResetIssuer,
    PasswordResetTokensRepository,
    ResetRequestLimit,
  ],
  exports: [AuthService],
})
export class AuthModule {}

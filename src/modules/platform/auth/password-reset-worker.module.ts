import { Module } from '@nestjs/common';
import { UsersRepository } from '../users/users.repository';
import { PasswordResetIssuer } from './password-reset-issuer';
import { PasswordResetTokensRepository } from './password-reset-tokens.repository';
import { PasswordResetRequestHandler } from './password-reset.handler';

/** Worker side of password resets: turns a recorded request into a token and its mail event. */
@Module({
  providers: [
    PasswordResetRequestHandler,
    PasswordResetIssuer,
    PasswordResetTokensRepository,
    UsersRepository,
  ],
})
export class PasswordResetWorkerModule {}

import { Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { InjectConfig } from '../../../infra/config/config';
import type { AppConfig } from '../../../infra/config/config';
import { OrganizationsModule } from '../organizations/organizations.module';
import { InvitationsController } from './invitations.controller';
import { InvitationsRepository } from './invitations.repository';
import { InvitationsService } from './invitations.service';
import { OrganizationUsersController } from './organization-users.controller';
import { OrganizationUsersService } from './organization-users.service';
import { UserPasswordsService } from './user-passwords.service';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [OrganizationsModule],
  controllers: [UsersController, OrganizationUsersController, InvitationsController],
  // Disabling a user revokes its sessions through the auth module's listener (UsersService.onUserDisabled).
  providers: [
    UsersService,
    UsersRepository,
    UserPasswordsService,
    InvitationsService,
    InvitationsRepository,
    OrganizationUsersService,
  ],
  exports: [UsersService, UsersRepository, UserPasswordsService, InvitationsService],
})
export class UsersModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('Users');

  constructor(
    private readonly users: UsersService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD, or says how to when there is none. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.config.ADMIN_EMAIL && this.config.ADMIN_PASSWORD) {
      const admin = await this.users.ensureFirstAdmin(this.config.ADMIN_EMAIL, this.config.ADMIN_PASSWORD);
      this.logger.log(`Admin account ready: ${admin.email}`);
      return;
    }
    if (!(await this.users.hasAnyAdmin())) {
      this.logger.warn(
        'No admin user exists: set ADMIN_EMAIL and ADMIN_PASSWORD (at least 12 characters) and restart to create one.',
      );
    }
  }
}

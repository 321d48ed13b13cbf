import { Injectable } from '@nestjs/common';
import { Principal } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import { Page, PageQueryDto } from '../../../common/pagination/pagination';
import { OrganizationsRepository } from '../organizations/organizations.repository';
import { UpdateUserDto, UserResponseDto } from './dto/user.dto';
import { assertManagesOrganization, assertMayChangeUser } from './user-management-policy';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/**
 * The users of one organization, for its user managers and for security administrators
 * (ADR 0045): list, disable and enable, rename, change roles within the organization's roles.
 * Another organization, or a user of another organization, answers 404.
 */
@Injectable()
export class OrganizationUsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly usersService: UsersService,
    private readonly organizations: OrganizationsRepository,
  ) {}

  async list(actor: Principal, organizationId: string, query: PageQueryDto): Promise<Page<UserResponseDto>> {
    await this.assertVisible(actor, organizationId);
    return this.usersService.list({ ...query, organizationId });
  }

  async update(
    actor: Principal,
    organizationId: string,
    userId: string,
    dto: UpdateUserDto,
    expectedVersion: number | undefined,
  ): Promise<UserResponseDto> {
    await this.assertVisible(actor, organizationId);
    const target = await this.users.findById(userId);
    if (!target || target.organizationId !== organizationId) throw DomainError.notFound('User');
    assertMayChangeUser(actor, target, dto);
    return this.usersService.update(actor, userId, dto, expectedVersion);
  }

  private async assertVisible(actor: Principal, organizationId: string): Promise<void> {
    assertManagesOrganization(actor, organizationId);
    if (!(await this.organizations.findById(organizationId))) throw DomainError.notFound('Organization');
  }
}

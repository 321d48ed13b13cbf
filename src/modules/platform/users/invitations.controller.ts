import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { Auth, Authenticated } from '../../../common/auth/decorators';
import type { Principal } from '../../../common/auth/principal';
import { Endpoint } from '../../../common/openapi/endpoint';
import { ApiPageResponse, Page } from '../../../common/pagination/pagination';
import { CreateInvitationDto, InvitationResponseDto, ListInvitationsQueryDto } from './dto/invitation.dto';
import { InvitationsService } from './invitations.service';
import { USER_MANAGEMENT_ROLES } from './user-management-policy';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 404 });

/**
 * Invitations by e-mail link. A security administrator invites into any organization; a user
 * manager into its own only (another organization answers 404). Accepting is
 * POST /invitations/accept (public, in the auth module).
 */
@ApiTags('invitations')
@Controller('invitations')
@Authenticated({ roles: USER_MANAGEMENT_ROLES })
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Post()
  @Endpoint({
    summary: 'Invite a person by e-mail into an organization, with roles',
    description:
      'The invitee receives a mail with a link carrying a one-time token (valid INVITATION_TTL_DAYS, default 7 days); a new invitation to the same address revokes the pending ones. The token is never in this answer. Administrative roles (a security administrator inviting into the platform organization) pass the rules of separated duties (ADR 43); `registrar` is for users of a `service_center` organization only (422 BUSINESS_RULE_VIOLATION naming `roles`).',
    errors: [
      'NOT_FOUND',
      'ALREADY_EXISTS',
      'FORBIDDEN',
      'BUSINESS_RULE_VIOLATION',
      'ROLES_INCOMPATIBLE',
      'ADMIN_ROLE_OUTSIDE_PLATFORM',
    ],
  })
  @ApiCreatedResponse({ type: InvitationResponseDto })
  create(@Auth() auth: Principal, @Body() dto: CreateInvitationDto): Promise<InvitationResponseDto> {
    return this.invitations.create(auth, dto);
  }

  @Get()
  @Endpoint({
    summary: 'List invitations, newest first',
    description: "A user manager sees its own organization's; another organization's id answers 404.",
    errors: ['NOT_FOUND', 'FORBIDDEN'],
  })
  @ApiPageResponse(InvitationResponseDto)
  list(
    @Auth() auth: Principal,
    @Query() query: ListInvitationsQueryDto,
  ): Promise<Page<InvitationResponseDto>> {
    return this.invitations.list(auth, query);
  }

  @Delete(':id')
  @HttpCode(204)
  @Endpoint({
    summary: 'Revoke a pending invitation: its link stops working',
    errors: ['NOT_FOUND', 'CONFLICT', 'FORBIDDEN'],
  })
  @ApiNoContentResponse({ description: 'Revoked (or already revoked or expired)' })
  async revoke(@Auth() auth: Principal, @Param('id', uuid) id: string): Promise<void> {
    await this.invitations.revoke(auth, id);
  }
}

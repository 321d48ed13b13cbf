import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
} from 'class-validator';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../../../common/auth/passwords';
import type { Role } from '../../../../common/auth/principal';
import { EXAMPLE_IDS, EXAMPLE_TIMES } from '../../../../common/openapi/examples';
import { PageQueryDto } from '../../../../common/pagination/pagination';
import type { InvitationEntity } from '../entities/invitation.entity';
import { LOCALES, USER_ROLES, UserRole } from './user.dto';

export const INVITATION_STATES = ['pending', 'accepted', 'revoked', 'expired'] as const;
export type InvitationState = (typeof INVITATION_STATES)[number];

/** What an invitation is at `now`: accepted and revoked are final; pending lapses into expired. */
export function invitationState(
  invitation: Pick<InvitationEntity, 'acceptedAt' | 'revokedAt' | 'expiresAt'>,
  now: Date,
): InvitationState {
  if (invitation.acceptedAt) return 'accepted';
  if (invitation.revokedAt) return 'revoked';
  return invitation.expiresAt.getTime() <= now.getTime() ? 'expired' : 'pending';
}

export class CreateInvitationDto {
  @ApiProperty({ example: 'zhang.wei@example.cn' })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: '张伟', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName: string;

  @ApiProperty({
    enum: USER_ROLES,
    isArray: true,
    maxItems: USER_ROLES.length,
    example: ['expert'],
    description:
      'A user manager may grant issuer, applicant, expert, broker and user_manager only; a security administrator any role (registrar only in a service_center organization)',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(USER_ROLES.length)
  @ArrayUnique()
  @IsIn(USER_ROLES, { each: true })
  roles: UserRole[];

  @ApiPropertyOptional({
    example: EXAMPLE_IDS.platformOrganization,
    format: 'uuid',
    description: "The organization the invitee joins; default the caller's own",
  })
  @IsOptional()
  @IsUUID()
  organizationId?: string;

  @ApiPropertyOptional({ enum: LOCALES, default: 'zh-CN', description: 'The language of the mail' })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: string;
}

export class ListInvitationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    example: EXAMPLE_IDS.platformOrganization,
    format: 'uuid',
    description: "A user manager sees its own organization's only",
  })
  @IsOptional()
  @IsUUID()
  organizationId?: string;
}

export class AcceptInvitationDto {
  @ApiProperty({
    example: 'jbi_q7Yw1c2l2c3V5bX3VxZ2tWcHd0cE9uZXl4a2VhTkE',
    description: 'The token of the link in the invitation mail; usable once',
  })
  @IsString()
  @MinLength(16)
  @MaxLength(200)
  token: string;

  @ApiProperty({
    example: 'correct-horse-battery-staple',
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
    description: "The invitee's own password",
  })
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;
}

export class InvitationResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.invitation, format: 'uuid' }) id: string;
  @ApiProperty({ example: EXAMPLE_IDS.platformOrganization, format: 'uuid' }) organizationId: string;
  @ApiProperty({ example: 'zhang.wei@example.cn' }) email: string;
  @ApiProperty({ example: '张伟' }) displayName: string;
  @ApiProperty({ example: ['expert'], enum: USER_ROLES, isArray: true }) roles: Role[];
  @ApiProperty({ example: 'zh-CN' }) locale: string;
  @ApiProperty({ enum: INVITATION_STATES, example: 'pending' }) state: InvitationState;
  @ApiProperty({ example: EXAMPLE_IDS.admin, format: 'uuid' }) invitedBy: string;
  @ApiProperty({ example: EXAMPLE_TIMES.created, format: 'date-time' }) createdAt: string;
  @ApiProperty({ example: EXAMPLE_TIMES.updated, format: 'date-time' }) expiresAt: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: null })
  acceptedAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', example: null })
  acceptedUserId: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', example: null })
  revokedAt: string | null;
}

export function toInvitationResponse(invitation: InvitationEntity, now: Date): InvitationResponseDto {
  return {
    id: invitation.id,
    organizationId: invitation.organizationId,
    email: invitation.email,
    displayName: invitation.displayName,
    roles: invitation.roles,
    locale: invitation.locale,
    state: invitationState(invitation, now),
    invitedBy: invitation.invitedBy,
    createdAt: invitation.createdAt.toISOString(),
    expiresAt: invitation.expiresAt.toISOString(),
    acceptedAt: invitation.acceptedAt?.toISOString() ?? null,
    acceptedUserId: invitation.acceptedUserId,
    revokedAt: invitation.revokedAt?.toISOString() ?? null,
  };
}

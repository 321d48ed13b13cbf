import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
} from 'class-validator';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../../../common/auth/passwords';
import { ROLES, type Role } from '../../../../common/auth/principal';
import { PageQueryDto } from '../../../../common/pagination/pagination';
import { UserEntity } from '../entities/user.entity';
import { EXAMPLE_IDS, EXAMPLE_TIMES, EXAMPLE_TEXT } from '../../../../common/openapi/examples';

/** The roles a person can hold (`integration` belongs to API keys only). */
export type UserRole = Exclude<Role, 'integration'>;
export const USER_ROLES: readonly UserRole[] = ROLES.filter(
  (role): role is UserRole => role !== 'integration',
);
export const LOCALES = ['zh-CN', 'en'] as const;

export class CreateUserDto {
  @ApiProperty({ example: EXAMPLE_IDS.leadOrganization, format: 'uuid' })
  @IsUUID()
  organizationId: string;

  @ApiProperty({ example: 'li.ming@example.cn' })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: '李明', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName: string;

  @ApiProperty({
    example: 'correct-horse-battery-staple',
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
  })
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;

  @ApiProperty({ enum: USER_ROLES, isArray: true, maxItems: USER_ROLES.length, example: ['applicant'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(USER_ROLES.length)
  @ArrayUnique()
  @IsIn(USER_ROLES, { each: true })
  roles: UserRole[];

  @ApiPropertyOptional({ enum: LOCALES, default: 'zh-CN' })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional({
    enum: USER_ROLES,
    isArray: true,
    maxItems: USER_ROLES.length,
    example: ['applicant'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(USER_ROLES.length)
  @ArrayUnique()
  @IsIn(USER_ROLES, { each: true })
  roles?: UserRole[];

  @ApiPropertyOptional({
    example: true,
    description: 'false disables the user at once: tokens and refresh tokens stop working',
  })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ example: '王明', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName?: string;
}

export class ListUsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: EXAMPLE_IDS.leadOrganization, format: 'uuid' })
  @IsOptional()
  @IsUUID()
  organizationId?: string;
}

export class UserResponseDto {
  @ApiProperty({ example: EXAMPLE_IDS.leader, format: 'uuid' }) id: string;
  @ApiProperty({ example: EXAMPLE_IDS.leadOrganization, format: 'uuid' }) organizationId: string;
  @ApiProperty({ example: 'li.ming@example.cn' }) email: string;
  @ApiProperty({ example: EXAMPLE_TEXT.leaderName }) displayName: string;
  @ApiProperty({ example: ['applicant'], enum: USER_ROLES, isArray: true }) roles: Role[];
  @ApiProperty({ example: true }) enabled: boolean;
  @ApiProperty({ example: 'zh-CN' }) locale: string;
  @ApiProperty({
    type: 'integer',
    example: 3,
    description: 'Also served as the ETag; send it back in If-Match',
  })
  version: number;
  @ApiProperty({ example: EXAMPLE_TIMES.created, format: 'date-time' }) createdAt: string;
  @ApiProperty({ example: EXAMPLE_TIMES.updated, format: 'date-time' }) updatedAt: string;
}

export function toUserResponse(user: UserEntity): UserResponseDto {
  return {
    id: user.id,
    organizationId: user.organizationId,
    email: user.email,
    displayName: user.displayName,
    roles: user.roles,
    enabled: user.enabled,
    locale: user.locale,
    version: user.version,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../../../common/auth/passwords';
import type { Role } from '../../../../common/auth/principal';
import {
  IsCreditCode,
  OrganizationResponseDto,
  REGION_CODE,
  REGION_CODE_SCHEMA,
} from '../../organizations/dto/organization.dto';
import { CREDIT_CODE_SCHEMA } from '../../organizations/credit-code';
import { ORGANIZATION_TYPES } from '../../organizations/organization-types';
import type { OrganizationType } from '../../organizations/organization-types';
import { LOCALES, UserResponseDto } from '../../users/dto/user.dto';
import { EXAMPLE_IDS } from '../../../../common/openapi/examples';

/** The roles self-registration may grant; admin and expert are given by an admin only. */
export const REGISTRATION_ROLES = ['issuer', 'applicant'] as const;

export class RegisterDto {
  @ApiProperty({ example: '江西某新材料有限公司', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  organizationName: string;

  @ApiProperty({ enum: ORGANIZATION_TYPES })
  @IsIn(ORGANIZATION_TYPES)
  organizationType: OrganizationType;

  @ApiProperty({
    example: '91350100M000100Y43',
    description: '统一社会信用代码 (GB 32100-2015)',
    ...CREDIT_CODE_SCHEMA,
  })
  @IsCreditCode()
  creditCode: string;

  @ApiProperty({ example: '360100', ...REGION_CODE_SCHEMA })
  @IsString()
  @Matches(REGION_CODE, { message: 'regionCode must be a 6-digit administrative division code' })
  regionCode: string;

  @ApiProperty({
    enum: REGISTRATION_ROLES,
    description: 'issuer: the organization publishes challenges; applicant: it applies for them',
  })
  @IsIn(REGISTRATION_ROLES)
  role: (typeof REGISTRATION_ROLES)[number];

  @ApiProperty({ example: 'li.ming@example.cn' })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({
    example: 'correct-horse-battery-staple',
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
  })
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;

  @ApiProperty({ example: '李明', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName: string;

  @ApiPropertyOptional({ enum: LOCALES, default: 'zh-CN' })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: string;
}

export class LoginDto {
  @ApiProperty({ example: 'li.ming@example.cn' })
  @IsString()
  @MinLength(3)
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'correct-horse-battery-staple' })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;
}

export class RefreshDto {
  @ApiProperty({
    example: 'jbr_b6cwXnxNPAel-B-u4yyaMZeOwXqI2FRxUH4E2tziQKk',
    description: 'The refresh token of the last login or refresh; usable once',
  })
  @IsString()
  @MinLength(16)
  @MaxLength(200)
  refreshToken: string;
}

export class LogoutDto extends RefreshDto {}

export class TokenResponseDto {
  @ApiProperty({
    example:
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJmZTRmNzQ5MS1kMTNhLTRlMGMtYTY2NC01OTk4NTcyNzBkYTQiLCJvcmciOiIwMzQwMDFlNS02MWE4LTQ5MzgtYTI3YS1mN2U2ZTBhYTg5ODkiLCJyb2xlcyI6WyJhcHBsaWNhbnQiXSwidmVyIjowLCJpYXQiOjE4MDM4NjI4MDAsImV4cCI6MTgwMzg2MzcwMCwiYXVkIjoiamllYmFuZy1hcGkiLCJpc3MiOiJqaWViYW5nIiwianRpIjoiMmY5ZDBjMWUtNmI3YS00ZTNmLTlhMTItNWM0ZDNiMmExZjAwIn0.tS-VqNpLKY87kGnghNwvkDzPCl0QqeRSJ9SdgRwaYE8',
    description: 'JWT for Authorization: Bearer',
  })
  accessToken: string;
  @ApiProperty({
    example: 'jbr_b6cwXnxNPAel-B-u4yyaMZeOwXqI2FRxUH4E2tziQKk',
    description: 'Opaque; exchange once at POST /auth/refresh',
  })
  refreshToken: string;
  @ApiProperty({ description: 'Access token lifetime in seconds', example: 900 }) expiresIn: number;
  @ApiProperty({ example: 'Bearer' }) tokenType: 'Bearer';
}

export class RegisterResponseDto {
  @ApiProperty({ type: UserResponseDto }) user: UserResponseDto;
  @ApiProperty({ type: OrganizationResponseDto }) organization: OrganizationResponseDto;
  @ApiProperty({ type: TokenResponseDto }) tokens: TokenResponseDto;
}

export class MeApiKeyDto {
  @ApiProperty({ example: EXAMPLE_IDS.apiKey, format: 'uuid' }) id: string;
  @ApiProperty({ example: EXAMPLE_IDS.platformOrganization, nullable: true, type: String, format: 'uuid' })
  organizationId: string | null;
  @ApiProperty({ example: ['stats:read', 'webhooks:manage'], type: [String] }) scopes: string[];
}

/** Who is calling: a person (user + organization) or an integration key. */
export class MeResponseDto {
  @ApiProperty({ enum: ['user', 'api_key'] }) kind: 'user' | 'api_key';
  @ApiProperty({
    example: ['applicant'],
    isArray: true,
    enum: ['admin', 'issuer', 'applicant', 'expert', 'broker', 'integration'],
  })
  roles: Role[];
  @ApiPropertyOptional({ type: UserResponseDto }) user?: UserResponseDto;
  @ApiPropertyOptional({ type: OrganizationResponseDto, nullable: true })
  organization?: OrganizationResponseDto | null;
  @ApiPropertyOptional({ type: MeApiKeyDto }) apiKey?: MeApiKeyDto;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH } from '../../../../../common/auth/passwords';
import { TokenResponseDto } from '../../dto/auth.dto';

const TOTP_CODE = /^\d{6}$/;
const RECOVERY_CODE = /^[A-Za-z2-7 -]{16,32}$/;

export class MfaChallengeResponseDto {
  @ApiProperty({
    enum: [true],
    example: true,
    description: 'The password was right; send a code with `mfaToken` to POST /auth/login/mfa',
  })
  mfaRequired: true;
  @ApiProperty({
    example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl',
    description: 'The signed challenge of this sign-in, usable for `expiresIn` seconds',
  })
  mfaToken: string;
  @ApiProperty({ example: 300, description: 'Seconds the challenge stays valid' }) expiresIn: number;
  @ApiProperty({ example: ['totp', 'recovery_code'], enum: ['totp', 'recovery_code'], isArray: true })
  methods: Array<'totp' | 'recovery_code'>;
}

export class LoginMfaDto {
  @ApiProperty({
    description: 'The `mfaToken` of the login answer',
    example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl',
  })
  @IsString()
  @MinLength(16)
  @MaxLength(2000)
  mfaToken: string;

  @ApiPropertyOptional({ example: '123456', description: 'The current code of the authenticator app' })
  @IsOptional()
  @MaxLength(6)
  @Matches(TOTP_CODE, { message: 'code must be 6 digits' })
  code?: string;

  @ApiPropertyOptional({
    example: 'ABCD-EFGH-IJKL-MNOP',
    description: 'One of the recovery codes, instead of `code`; each works once',
  })
  @IsOptional()
  @MaxLength(32)
  @Matches(RECOVERY_CODE, { message: 'recoveryCode must look like ABCD-EFGH-IJKL-MNOP' })
  recoveryCode?: string;
}

export class TotpCodeDto {
  @ApiProperty({ example: '123456', description: 'The current code of the authenticator app' })
  @MaxLength(6)
  @Matches(TOTP_CODE, { message: 'code must be 6 digits' })
  code: string;
}

export class RemoveTotpDto {
  @ApiPropertyOptional({ example: '123456', description: 'A current code; or send `password`' })
  @IsOptional()
  @MaxLength(6)
  @Matches(TOTP_CODE, { message: 'code must be 6 digits' })
  code?: string;

  @ApiPropertyOptional({
    example: 'correct-horse-battery-staple',
    description: 'The password; or send `code`',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX_LENGTH)
  password?: string;
}

export class TotpEnrolmentResponseDto {
  @ApiProperty({ example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', description: 'The secret, base32 (RFC 4648)' })
  secret: string;
  @ApiProperty({
    example:
      'otpauth://totp/jiebang:li.ming%40example.cn?issuer=jiebang&secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30',
    description: 'For an authenticator app (show it as a QR code)',
  })
  otpauthUri: string;
  @ApiProperty({ example: 'jiebang' }) issuer: string;
  @ApiProperty({ example: 'SHA1', enum: ['SHA1'] }) algorithm: 'SHA1';
  @ApiProperty({ example: 6 }) digits: number;
  @ApiProperty({ example: 30, description: 'Seconds per code' }) period: number;
}

export class RecoveryCodesResponseDto {
  @ApiProperty({
    example: ['ABCD-EFGH-IJKL-MNOP', 'QRST-UVWX-YZ23-4567'],
    type: [String],
    description: 'Shown only now (stored hashed); each works once in place of a code',
  })
  recoveryCodes: string[];
}

export class TotpConfirmedResponseDto extends RecoveryCodesResponseDto {
  @ApiProperty({
    type: TokenResponseDto,
    description: 'A new session that passed MFA (the session that enrolled stays password-only)',
  })
  tokens: TokenResponseDto;
}

export class MfaStatusResponseDto {
  @ApiProperty({ enum: ['none', 'pending', 'confirmed'], example: 'confirmed' })
  totp: 'none' | 'pending' | 'confirmed';
  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2027-03-01T02:00:00.000Z' })
  confirmedAt: string | null;
  @ApiProperty({ example: 10 }) recoveryCodesLeft: number;
  @ApiProperty({ description: 'An administrative role: a second factor is required', example: true })
  required: boolean;
  @ApiProperty({ description: 'This session passed a second factor', example: true })
  sessionMfa: boolean;
}

/** The answer of POST /auth/login: tokens, or the challenge of the second step. */
export type LoginResponseDto = TokenResponseDto | MfaChallengeResponseDto;

import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../../../common/auth/passwords';
import { UserResponseDto } from '../../users/dto/user.dto';
import { TokenResponseDto } from './auth.dto';

const NEW_PASSWORD = {
  example: 'a-new-horse-battery-staple',
  minLength: PASSWORD_MIN_LENGTH,
  maxLength: PASSWORD_MAX_LENGTH,
} as const;

export class ChangePasswordDto {
  @ApiProperty({ example: 'correct-horse-battery-staple' })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX_LENGTH)
  currentPassword: string;

  @ApiProperty(NEW_PASSWORD)
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(PASSWORD_MAX_LENGTH)
  newPassword: string;
}

export class PasswordResetRequestDto {
  @ApiProperty({ example: 'li.ming@example.cn' })
  @IsEmail()
  @MaxLength(254)
  email: string;
}

export class PasswordResetConfirmDto {
  @ApiProperty({
    example: 'jbp_Zk3v1c2l2c3V5bX3VxZ2tWcHd0cE9uZXl4a2VhTkE',
    description: 'The token of the link in the reset mail; usable once',
  })
  @IsString()
  @MinLength(16)
  @MaxLength(200)
  token: string;

  @ApiProperty(NEW_PASSWORD)
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(PASSWORD_MAX_LENGTH)
  newPassword: string;
}

/** The one answer to every reset request, whether or not the address is a user's. */
export class PasswordResetRequestedDto {
  @ApiProperty({
    example: 'If this address belongs to an account, a reset link is on its way.',
  })
  message: string;
}

export const PASSWORD_RESET_REQUESTED: PasswordResetRequestedDto = {
  message: 'If this address belongs to an account, a reset link is on its way.',
};

export class AcceptedInvitationResponseDto {
  @ApiProperty({ type: UserResponseDto }) user: UserResponseDto;
  @ApiProperty({ type: TokenResponseDto }) tokens: TokenResponseDto;
}

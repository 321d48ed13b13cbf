import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsString } from 'class-validator';
import { MAIL_KINDS, MAIL_LOCALES } from '../mail-templates';
import type { MailLocale } from '../mail-templates';

const KINDS_DESCRIPTION =
  'Event kinds you do not want by e-mail (in-app notifications still arrive); each one of `emailKinds`';

/** PUT body: the whole set of preferences (what is not listed is wanted). */
export class ReplaceNotificationPreferencesDto {
  @ApiProperty({ enum: MAIL_LOCALES, example: 'zh-CN', description: 'Language of your e-mail' })
  @IsIn(MAIL_LOCALES)
  locale: MailLocale;

  @ApiProperty({
    type: [String],
    enum: MAIL_KINDS,
    example: ['payment.paid', 'milestone.due_soon'],
    description: KINDS_DESCRIPTION,
  })
  @IsArray()
  @ArrayMaxSize(MAIL_KINDS.length)
  @ArrayUnique()
  @IsString({ each: true })
  @IsIn(MAIL_KINDS, { each: true, message: 'each value of emailOptOuts must be one of emailKinds' })
  emailOptOuts: string[];
}

export class NotificationPreferencesResponse {
  @ApiProperty({ enum: MAIL_LOCALES, example: 'zh-CN', description: 'Language of your e-mail' })
  locale: MailLocale;

  @ApiProperty({ type: [String], example: ['payment.paid'], description: KINDS_DESCRIPTION })
  emailOptOuts: string[];

  @ApiProperty({
    type: [String],
    example: ['challenge.published', 'application.formal_checked', 'payment.paid'],
    description: 'Every event kind the platform sends e-mail for: what you may opt out of',
  })
  emailKinds: string[];

  @ApiProperty({
    type: 'integer',
    example: 2,
    description: 'Also served as the ETag (0 until you first change them); send it back in If-Match',
  })
  version: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2027-03-01T02:00:00.000Z' })
  updatedAt: string | null;
}

import { ApiProperty } from '@nestjs/swagger';
import type { JsonObject } from '../../../common/json';
import { NotificationEntity } from '../entities/notification.entity';

export class NotificationResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'organization.verified' })
  kind: string;

  @ApiProperty({ example: '单位认证已通过' })
  title: string;

  @ApiProperty({ example: '您的单位已通过平台认证' })
  body: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { organizationId: '…' } })
  data: JsonObject;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  readAt: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class NotificationPageResponse {
  @ApiProperty({ type: [NotificationResponse] })
  items: NotificationResponse[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null at the end',
  })
  nextCursor: string | null;
}

export function toNotificationResponse(n: NotificationEntity): NotificationResponse {
  return {
    id: n.id,
    kind: n.kind,
    title: n.title,
    body: n.body,
    data: n.data,
    readAt: n.readAt ? n.readAt.toISOString() : null,
    createdAt: n.createdAt.toISOString(),
  };
}

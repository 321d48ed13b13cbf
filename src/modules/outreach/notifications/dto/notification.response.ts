import { ApiProperty } from '@nestjs/swagger';
import type { JsonObject } from '../../../../common/json';
import { NotificationEntity } from '../entities/notification.entity';
import { EXAMPLE_IDS } from '../../../../common/openapi/examples';

export class NotificationResponse {
  @ApiProperty({ example: EXAMPLE_IDS.notification, format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'organization.verified' })
  kind: string;

  @ApiProperty({ example: '单位认证已通过' })
  title: string;

  @ApiProperty({ example: '您的单位已通过平台认证' })
  body: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { organizationId: '…' } })
  data: JsonObject;

  @ApiProperty({ example: '2027-01-06T05:12:00.000Z', type: String, format: 'date-time', nullable: true })
  readAt: string | null;

  @ApiProperty({ example: '2027-01-06T03:00:00.000Z', format: 'date-time' })
  createdAt: string;
}

export class NotificationPageResponse {
  @ApiProperty({ type: [NotificationResponse] })
  items: NotificationResponse[];

  @ApiProperty({
    example: 'WyIyMDI3LTAxLTA2VDAzOjAwOjAwLjAwMDAwMFoiLCJmM2ViZWYwMy0wMjcxLTQyNmQtODE5Yy1iNjkwMzMxM2Y5NWMiXQ',
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

import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Auth, Authenticated } from '../../../common/auth/decorators';
import { NOTIFICATION_RECIPIENT_ROLES, type Principal } from '../../../common/auth/principal';
import { ListNotificationsQuery } from './dto/list-notifications.query';
import {
  NotificationPageResponse,
  NotificationResponse,
  toNotificationResponse,
} from './dto/notification.response';
import { NotificationsService } from './notifications.service';
import { Endpoint } from '../../../common/openapi/endpoint';

@ApiTags('notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Authenticated({ roles: NOTIFICATION_RECIPIENT_ROLES })
  @Endpoint({
    summary: "List the caller's notifications, newest first (keyset pagination)",
    errors: ['FORBIDDEN'],
  })
  @ApiOkResponse({ type: NotificationPageResponse })
  async list(
    @Auth() principal: Principal,
    @Query() query: ListNotificationsQuery,
  ): Promise<NotificationPageResponse> {
    const page = await this.notifications.listOwn(principal, query);
    return { items: page.items.map(toNotificationResponse), nextCursor: page.nextCursor };
  }

  @Post(':id/read')
  @HttpCode(200)
  @Authenticated({ roles: NOTIFICATION_RECIPIENT_ROLES })
  @Endpoint({ summary: 'Mark one of your notifications as read', errors: ['FORBIDDEN', 'NOT_FOUND'] })
  @ApiOkResponse({ type: NotificationResponse })
  async markRead(
    @Auth() principal: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<NotificationResponse> {
    return toNotificationResponse(await this.notifications.markRead(principal, id));
  }
}

import { Module } from '@nestjs/common';
import { NotificationsController } from './notifications.controller';
import { NotificationEventsHandler } from './notifications.events';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';

/** In-app notifications: the API lists and marks them; the worker makes them from events. */
@Module({
  controllers: [NotificationsController],
  providers: [NotificationsService, NotificationsRepository, NotificationEventsHandler],
  exports: [NotificationsService],
})
export class NotificationsModule {}

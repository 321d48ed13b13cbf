import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { Module } from '@nestjs/common';
import { QueueName } from '../../../infra/queue/queue.constants';
import { adminOnly } from './admin-only.middleware';
import { DASHBOARD_ROUTE, QueueDashboardController } from './queue-dashboard.controller';

/** bull-board at /api/v1/admin/queues: every queue, admins only (bearer token or session cookie). */
@Module({
  imports: [
    BullBoardModule.forRoot({
      route: `/${DASHBOARD_ROUTE}`,
      adapter: ExpressAdapter,
      middleware: adminOnly,
      boardOptions: { uiConfig: { boardTitle: 'Jiebang queues' } },
    }),
    ...Object.values(QueueName).map((name) => BullBoardModule.forFeature({ name, adapter: BullMQAdapter })),
  ],
  controllers: [QueueDashboardController],
})
export class QueueDashboardModule {}

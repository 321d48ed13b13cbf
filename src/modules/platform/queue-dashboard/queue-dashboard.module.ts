import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { BullBoardModule } from '@bull-board/nestjs';
import { Module } from '@nestjs/common';
import { QueueName } from '../../../infra/queue/queue.constants';
import { GuardedFastifyAdapter } from './guarded-fastify-adapter';
import { DASHBOARD_ROUTE, QueueDashboardController } from './queue-dashboard.controller';

function passThrough(_req: unknown, _res: unknown, next: () => void): void {
  next();
}

/** bull-board at /api/v1/admin/queues: every queue, admins only (bearer token or session cookie). */
@Module({
  imports: [
    BullBoardModule.forRoot({
      route: `/${DASHBOARD_ROUTE}`,
      // Admins only: the adapter's plugin checks every request (admin-only.middleware.ts).
      adapter: GuardedFastifyAdapter,
      // bull-board's Nest module applies this as Nest middleware to the route: nothing to do there.
      middleware: passThrough,
      boardOptions: { uiConfig: { boardTitle: 'Jiebang queues' } },
    }),
    ...Object.values(QueueName).map((name) => BullBoardModule.forFeature({ name, adapter: BullMQAdapter })),
  ],
  controllers: [QueueDashboardController],
})
export class QueueDashboardModule {}

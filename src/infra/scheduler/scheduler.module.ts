import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DeadlineHandlers } from './deadline-handlers';
import { DeadlineDispatcher } from './deadline.dispatcher';
import { DeadlineDrainer } from './deadline.drainer';
import { DeadlineReconciler } from './deadline.reconciler';
import { DeadlineScheduler } from './deadline.scheduler';

/** `DeadlineScheduler` for any module, in both processes (needs QueueModule). */
@Global()
@Module({ providers: [DeadlineScheduler], exports: [DeadlineScheduler] })
export class SchedulerModule {}

/** Worker process only: runs due deadlines and re-enqueues pending ones at start. */
@Module({
  imports: [DiscoveryModule],
  providers: [DeadlineHandlers, DeadlineDrainer, DeadlineDispatcher, DeadlineReconciler],
  exports: [DeadlineDrainer, DeadlineDispatcher, DeadlineReconciler],
})
export class SchedulerWorkerModule {}

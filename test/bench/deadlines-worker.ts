import { Injectable, Logger as NestLogger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { EntityManager } from 'typeorm';
import { loadConfigFromEnv } from '../../src/infra/config/config';
import { closeApplication } from '../../src/infra/lifecycle/close-application';
import { exitOnShutdownSignal, ShutdownState } from '../../src/infra/lifecycle/shutdown';
import { BootLogger } from '../../src/infra/logging/boot-logger';
import { OnDomainEvent } from '../../src/infra/events/domain-event-handler';
import type { DeliveredEvent } from '../../src/infra/events/domain-event-handler';
import { OnDeadline } from '../../src/infra/scheduler/deadline-handler';
import type { DueDeadline } from '../../src/infra/scheduler/deadline-handler';
import { WorkerModule } from '../../src/worker.module';

/** The bench's deadline kind: its effect is one row of bench_effects, in the deadline's transaction. */
export const BENCH_DEADLINE_KIND = 'bench.effect';
/** The events bench's event type (test/bench/events.ts): its effect is one row of bench_event_effects. */
export const BENCH_EVENT_TYPE = 'bench.happened';

@Injectable()
class BenchEffectHandler {
  @OnDeadline(BENCH_DEADLINE_KIND)
  async run(deadline: DueDeadline, em: EntityManager): Promise<void> {
    await em.query(`INSERT INTO bench_effects (entity_id) VALUES ($1)`, [deadline.entityId]);
  }
}

@Injectable()
class BenchEventHandler {
  @OnDomainEvent(BENCH_EVENT_TYPE)
  async run(event: DeliveredEvent, em: EntityManager): Promise<void> {
    await em.query(`INSERT INTO bench_event_effects (event_id) VALUES ($1)`, [event.id]);
  }
}

@Module({ providers: [BenchEffectHandler, BenchEventHandler] })
class BenchEffectModule {}

@Module({})
class BenchWorkerModule {}

/**
 * The worker process of the deadlines bench (test/bench/deadlines.ts): src/worker.ts's start-up
 * and shutdown, WorkerModule as it is, plus the bench's handler. Prints `ready` once started.
 */
async function bootstrap(): Promise<void> {
  const config = loadConfigFromEnv();
  const app = await NestFactory.createApplicationContext(
    { module: BenchWorkerModule, imports: [WorkerModule.forRoot(config), BenchEffectModule] },
    { bufferLogs: true },
  );
  app.useLogger(new BootLogger(app.get(Logger)));
  exitOnShutdownSignal(config.SHUTDOWN_GRACE_MS, async ({ startedAt, budget }) => {
    app.get(ShutdownState).beginDraining(startedAt);
    await closeApplication(app, startedAt + budget.drainMs + budget.closeMs, new NestLogger('Shutdown'));
  });
  await app.init();
  process.stdout.write('ready\n');
}

if (require.main === module) {
  bootstrap().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

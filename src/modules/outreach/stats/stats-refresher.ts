import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { PeriodicSweep } from '../../../infra/queue/periodic-sweep';
import { STATS_REFRESH_AFTER_MS, STATS_REFRESH_TICK_MS, StatsSnapshots } from './stats-snapshots';

/**
 * Worker process (ADR 0054): keeps the stored statistics younger than STATS_REFRESH_AFTER_MS +
 * a tick, well inside the bound, so that API readers never wait for a refresh. Looks every
 * STATS_REFRESH_TICK_MS and at start; several workers refresh once between them (the refresh lock,
 * and the age checked under it).
 */
@Injectable()
export class StatsRefresher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(StatsRefresher.name);
  private readonly sweeper = new PeriodicSweep(
    'Statistics refresh',
    () => this.snapshots.refresh(STATS_REFRESH_AFTER_MS),
    this.logger,
  );

  constructor(private readonly snapshots: StatsSnapshots) {}

  onApplicationBootstrap(): void {
    this.sweeper.start(STATS_REFRESH_TICK_MS);
    void this.sweeper.runOnce();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.sweeper.stop();
  }
}

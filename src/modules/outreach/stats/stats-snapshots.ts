import { Injectable } from '@nestjs/common';
import { Clock } from '../../../infra/clock/clock';
import type { StatsSnapshot } from './stats-figures';
import { SnapshotStamp, StatsRepository } from './stats.repository';

/**
 * The bound (ADR 0054): no answer of `GET /stats/overview` is computed from figures older than
 * this by the injected clock; `generatedAt` says when they were computed. Also the Cache-Control
 * max-age of the endpoint (with `Age`, a shared cache keeps the same bound).
 */
export const STATS_MAX_AGE_MS = 60_000;
/** The worker refreshes the figures once they are this old, so that readers never find them past the bound. */
export const STATS_REFRESH_AFTER_MS = 30_000;
/** How often (real time) the worker looks at the figures' age. */
export const STATS_REFRESH_TICK_MS = 10_000;
/**
 * Figures stamped up to this far ahead of a process's clock still count as fresh (another process's
 * clock may run a little ahead); further ahead (a test clock set back), they are computed again.
 */
export const STATS_CLOCK_SKEW_MS = 5_000;

/** Whether figures computed at `computedAt` may still be served at `now` under a bound of `maxAgeMs`. */
export function isFresh(computedAt: Date, now: Date, maxAgeMs: number = STATS_MAX_AGE_MS): boolean {
  const age = now.getTime() - computedAt.getTime();
  return age < maxAgeMs && age >= -STATS_CLOCK_SKEW_MS;
}

const sameSnapshot = (a: SnapshotStamp, b: SnapshotStamp) =>
  a.version === b.version && a.computedAt.getTime() === b.computedAt.getTime();

/**
 * The stored figures as this process sees them (ADR 0054). A read costs one primary-key query for
 * the stamp; the figures are loaded once per new snapshot. Figures past the bound are never served:
 * the reader refreshes them first, once for every reader of this process (one promise), and once for
 * every process (the refresh lock: whoever waited finds them fresh and computes nothing).
 */
@Injectable()
export class StatsSnapshots {
  private loaded: StatsSnapshot | null = null;
  private loading: Promise<StatsSnapshot> | null = null;
  private refreshing: Promise<SnapshotStamp> | null = null;

  constructor(
    private readonly repository: StatsRepository,
    private readonly clock: Clock,
  ) {}

  /** Figures computed less than STATS_MAX_AGE_MS before the clock's now. */
  async current(): Promise<StatsSnapshot> {
    const now = this.clock.now();
    let stamp = await this.repository.stamp();
    // Two rounds at most: a refresh joined in flight may have started before a clock that jumped.
    for (let round = 0; round < 3; round++) {
      if (stamp && isFresh(stamp.computedAt, now)) {
        const snapshot = await this.load(stamp);
        if (isFresh(snapshot.computedAt, now)) return snapshot;
      }
      stamp = await this.refreshOnce();
    }
    throw new Error('the statistics could not be brought within their bound');
  }

  /**
   * Refreshes the stored figures unless they are younger than `ifOlderThanMs` (the worker's tick;
   * also what the bench and tests call). Returns whether this call computed them.
   */
  refresh(ifOlderThanMs: number): Promise<SnapshotStamp & { refreshed: boolean }> {
    return this.repository.refresh(
      () => this.clock.now(),
      (stamp, now) => isFresh(stamp.computedAt, now, ifOlderThanMs),
    );
  }

  private refreshOnce(): Promise<SnapshotStamp> {
    this.refreshing ??= this.refresh(STATS_MAX_AGE_MS).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /** The snapshot of `stamp` (or a newer one), loaded once however many readers ask. */
  private async load(stamp: SnapshotStamp): Promise<StatsSnapshot> {
    if (this.loaded && sameSnapshot(this.loaded, stamp)) return this.loaded;
    this.loading ??= this.repository
      .load()
      .then((snapshot) => {
        if (!snapshot) throw new Error('the statistics snapshot disappeared while being read');
        this.loaded = snapshot;
        return snapshot;
      })
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }
}

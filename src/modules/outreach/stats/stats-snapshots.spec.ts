import { Clock } from '../../../infra/clock/clock';
import type { StatsFigures, StatsSnapshot } from './stats-figures';
import { isFresh, STATS_CLOCK_SKEW_MS, STATS_MAX_AGE_MS, StatsSnapshots } from './stats-snapshots';
import type { SnapshotStamp, StatsRepository } from './stats.repository';

class FixedClock extends Clock {
  constructor(public at = new Date('2027-06-01T00:00:00.000Z')) {
    super();
  }
  override now(): Date {
    return new Date(this.at);
  }
  advance(ms: number): void {
    this.at = new Date(this.at.getTime() + ms);
  }
}

/**
 * The stored row and its refresh lock, as PostgreSQL keeps them for every process: `refresh` runs
 * one at a time (the advisory lock) and computes `figures()` only when the row is not fresh. A
 * refresh can be held open (`hold`) to let readers pile up behind it.
 */
class FakeStore {
  row: StatsSnapshot | null = null;
  refreshes = 0;
  stampReads = 0;
  loads = 0;
  failNext = false;
  private lock: Promise<unknown> = Promise.resolve();
  private gate: Promise<void> | null = null;
  private open: (() => void) | null = null;
  /** What a refresh stores: the count is the data "now". */
  data = 1;

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }
  release(): void {
    this.open?.();
    this.gate = null;
  }

  repository(): StatsRepository {
    return {
      stamp: async (): Promise<SnapshotStamp | null> => {
        this.stampReads++;
        await Promise.resolve();
        return this.row && { version: this.row.version, computedAt: this.row.computedAt };
      },
      load: async (): Promise<StatsSnapshot | null> => {
        this.loads++;
        await Promise.resolve();
        return this.row;
      },
      refresh: (now: () => Date, fresh: (stamp: SnapshotStamp, now: Date) => boolean) => {
        const run = this.lock.then(async () => {
          const at = now();
          if (this.row && fresh(this.row, at)) {
            return { version: this.row.version, computedAt: this.row.computedAt, refreshed: false };
          }
          if (this.gate) await this.gate;
          if (this.failNext) {
            this.failNext = false;
            throw new Error('database gone');
          }
          this.refreshes++;
          const version = String(Number(this.row?.version ?? '0') + 1);
          this.row = { version, computedAt: at, figures: figures(this.data) };
          return { version, computedAt: at, refreshed: true };
        });
        this.lock = run.catch(() => undefined);
        return run;
      },
    } as unknown as StatsRepository;
  }
}

function figures(count: number): StatsFigures {
  return {
    programs: [],
    groups: [{ p: 'p', dim: 'all', key: null, n: count, t: '0', f: '0', c: '0' }],
    applications: [],
    acceptances: [],
    categories: [],
    chains: [],
  };
}

const countOf = (s: StatsSnapshot) => s.figures.groups[0].n;
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('stored statistics: the bound and one refresh at a time (ADR 0054)', () => {
  let clock: FixedClock;
  let store: FakeStore;

  beforeEach(() => {
    clock = new FixedClock();
    store = new FakeStore();
  });

  it('isFresh: younger than the bound, and not from further ahead than the skew', () => {
    const now = new Date('2027-06-01T00:01:00.000Z');
    const ago = (ms: number) => new Date(now.getTime() - ms);
    expect(isFresh(ago(0), now)).toBe(true);
    expect(isFresh(ago(STATS_MAX_AGE_MS - 1), now)).toBe(true);
    expect(isFresh(ago(STATS_MAX_AGE_MS), now)).toBe(false);
    expect(isFresh(ago(-STATS_CLOCK_SKEW_MS), now)).toBe(true);
    expect(isFresh(ago(-STATS_CLOCK_SKEW_MS - 1), now)).toBe(false);
    expect(isFresh(ago(30_000), now, 30_000)).toBe(false);
  });

  it('computes the figures on the first read, then serves them until the bound, never after', async () => {
    const snapshots = new StatsSnapshots(store.repository(), clock);
    const first = await snapshots.current();
    expect(first.computedAt).toEqual(clock.now());
    expect(store.refreshes).toBe(1);

    store.data = 2; // the data changes; the stored figures do not yet
    clock.advance(STATS_MAX_AGE_MS - 1);
    const within = await snapshots.current();
    expect(countOf(within)).toBe(1);
    expect(store.refreshes).toBe(1);

    clock.advance(1);
    const after = await snapshots.current();
    expect(countOf(after)).toBe(2);
    expect(after.computedAt).toEqual(clock.now());
    expect(store.refreshes).toBe(2);
  });

  it('at every age past the bound a read refreshes first; a clock set back past the skew too', async () => {
    const snapshots = new StatsSnapshots(store.repository(), clock);
    await snapshots.current();
    for (const step of [STATS_MAX_AGE_MS, 3 * STATS_MAX_AGE_MS + 7, 86_400_000]) {
      store.data++;
      clock.advance(step);
      const served = await snapshots.current();
      expect(countOf(served)).toBe(store.data);
      expect(clock.now().getTime() - served.computedAt.getTime()).toBeLessThan(STATS_MAX_AGE_MS);
    }
    store.data++;
    clock.advance(-STATS_CLOCK_SKEW_MS - 1);
    expect(countOf(await snapshots.current())).toBe(store.data);
  });

  it('loads the figures once per snapshot, reading only the stamp on a warm read', async () => {
    const snapshots = new StatsSnapshots(store.repository(), clock);
    await snapshots.current();
    const loads = store.loads;
    for (let i = 0; i < 10; i++) await snapshots.current();
    expect(store.loads).toBe(loads);
    expect(store.stampReads).toBe(11);
  });

  it('concurrent readers at expiry, in two processes: one refresh, every reader served the new figures', async () => {
    const repository = store.repository();
    const processA = new StatsSnapshots(repository, clock);
    const processB = new StatsSnapshots(repository, clock);
    await processA.current();
    await processB.current();
    expect(store.refreshes).toBe(1);

    store.data = 5;
    clock.advance(STATS_MAX_AGE_MS);
    store.hold();
    const reads = Array.from({ length: 20 }, (_, i) => (i % 2 ? processA : processB).current());
    await tick();
    await tick();
    store.release();
    const served = await Promise.all(reads);
    expect(store.refreshes).toBe(2);
    expect(new Set(served.map((s) => s.version))).toEqual(new Set(['2']));
    expect(served.every((s) => countOf(s) === 5)).toBe(true);
  });

  it('a refresh that fails is not kept: the readers waiting for it fail, the next read tries again', async () => {
    const snapshots = new StatsSnapshots(store.repository(), clock);
    await snapshots.current();
    clock.advance(STATS_MAX_AGE_MS);
    store.failNext = true;
    const results = await Promise.allSettled([snapshots.current(), snapshots.current()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    store.data = 9;
    expect(countOf(await snapshots.current())).toBe(9);
  });

  it('the worker refreshes only figures older than its threshold, once for several workers', async () => {
    const repository = store.repository();
    const workers = [new StatsSnapshots(repository, clock), new StatsSnapshots(repository, clock)];
    await workers[0].refresh(30_000);
    clock.advance(29_999);
    expect((await workers[1].refresh(30_000)).refreshed).toBe(false);
    clock.advance(1);
    const both = await Promise.all(workers.map((w) => w.refresh(30_000)));
    expect(both.map((r) => r.refreshed).sort()).toEqual([false, true]);
    expect(store.refreshes).toBe(2);
  });
});

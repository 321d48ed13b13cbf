import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../clock/clock';
import type { AppConfig } from '../config/config';
import { InjectConfig } from '../config/config';
import { keepConnectionLossCause } from './connection-loss';
import { dataSourceOptions } from './data-source.options';
import { isDependencyUnavailable } from '../../common/errors/dependency-errors';

/** What the last check found of one replica (for logs, the health of reads and tests). */
export interface ReplicaState {
  /** host:port/database of the replica (never its credentials). */
  replica: string;
  /** When, by the clock, a check last found it had replayed all the primary had when the check began. */
  caughtUpAt: Date | null;
  /** Whether public reads use it now: caught up within DATABASE_REPLICA_MAX_LAG_MS. */
  inUse: boolean;
  /** What the last check could not do (unreachable, not in recovery), if anything. */
  problem: string | null;
}

type ReplicaSettings =
  'DATABASE_REPLICA_URLS' | 'DATABASE_REPLICA_MAX_LAG_MS' | 'DATABASE_REPLICA_CHECK_INTERVAL_MS';

interface Replica {
  url: string;
  label: string;
  dataSource: DataSource | null;
  caughtUpAt: Date | null;
  problem: string | null;
}

/**
 * Streaming replicas that public reads may use (ADR 0065). Writes and every read whose caller may
 * have just written go to the primary (TypeORM's DataSource); a read that tolerates the documented
 * staleness asks `source()` for a DataSource: a replica that has replayed everything the primary
 * had committed at most DATABASE_REPLICA_MAX_LAG_MS ago (by the injected clock), or the primary.
 *
 * The bound is checked by comparing WAL positions: a check reads the primary's `pg_current_wal_lsn()`
 * first, then each replica's `pg_last_wal_replay_lsn()`; a replica at or past it has every
 * transaction committed before the check began, and that moment is its `caughtUpAt`. Checks run every
 * DATABASE_REPLICA_CHECK_INTERVAL_MS once the first public read asked for a source (a process that
 * never serves one, the worker, never connects to a replica). A replica that cannot be reached fails
 * its check and the read that met the failure is run again on the primary.
 */
@Injectable()
export class ReadReplicas implements OnModuleDestroy {
  private readonly logger = new Logger('ReadReplicas');
  private readonly replicas: Replica[];
  private next = 0;
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<ReplicaState[]> | null = null;
  private closed = false;

  constructor(
    private readonly primary: DataSource,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.replicas = config.DATABASE_REPLICA_URLS.map((url) => ({
      url,
      label: replicaLabel(url),
      dataSource: null,
      caughtUpAt: null,
      problem: null,
    }));
  }

  /** Reads from the primary only (CLIs and benches that build repositories by hand). */
  static primaryOnly(primary: DataSource): ReadReplicas {
    return new ReadReplicas(primary, new Clock(), {
      DATABASE_REPLICA_URLS: [],
      DATABASE_REPLICA_MAX_LAG_MS: 1,
      DATABASE_REPLICA_CHECK_INTERVAL_MS: 1,
    } as Pick<AppConfig, ReplicaSettings> as AppConfig);
  }

  /** The DataSource a read that may be DATABASE_REPLICA_MAX_LAG_MS stale uses: a fresh replica, else the primary. */
  source(): DataSource {
    if (!this.replicas.length) return this.primary;
    this.startChecking();
    const now = this.clock.now().getTime();
    for (let i = 0; i < this.replicas.length; i++) {
      const replica = this.replicas[(this.next + i) % this.replicas.length];
      if (replica.dataSource && this.isFresh(replica, now)) {
        this.next = (this.next + i + 1) % this.replicas.length;
        return replica.dataSource;
      }
    }
    return this.primary;
  }

  /**
   * Runs a public read on `source()`; when the replica fails it for being unreachable, shutting down
   * or in conflict with recovery, the replica is set aside until its next good check and the read
   * runs again on the primary.
   */
  async read<T>(fn: (source: DataSource) => Promise<T>): Promise<T> {
    const source = this.source();
    if (source === this.primary) return fn(source);
    try {
      return await fn(source);
    } catch (error) {
      const replica = this.replicas.find((r) => r.dataSource === source);
      if (!replica || !isReplicaUnavailable(error)) throw error;
      replica.caughtUpAt = null;
      replica.problem = error instanceof Error ? error.message : String(error);
      this.logger.warn(
        `Replica ${replica.label} failed a read; reading from the primary: ${replica.problem}`,
      );
      return fn(this.primary);
    }
  }

  /**
   * `fn` in one read-only REPEATABLE READ transaction (every row from one snapshot) on a replica
   * within the bound, else on the primary: the statistics and open-data feeds.
   */
  snapshot<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.read((source) =>
      source.transaction('REPEATABLE READ', async (em) => {
        await em.query('SET TRANSACTION READ ONLY');
        return fn(em);
      }),
    );
  }

  /** Checks every replica now (the timer does it; tests call it to avoid waiting). */
  check(): Promise<ReplicaState[]> {
    this.checking ??= this.checkAll().finally(() => (this.checking = null));
    return this.checking;
  }

  states(): ReplicaState[] {
    const now = this.clock.now().getTime();
    return this.replicas.map((r) => ({
      replica: r.label,
      caughtUpAt: r.caughtUpAt,
      inUse: Boolean(r.dataSource) && this.isFresh(r, now),
      problem: r.problem,
    }));
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.checking?.catch(() => undefined);
    await Promise.all(
      this.replicas.map(async (r) => {
        if (r.dataSource?.isInitialized) await r.dataSource.destroy().catch(() => undefined);
        r.dataSource = null;
      }),
    );
  }

  private isFresh(replica: Replica, now: number): boolean {
    return (
      replica.caughtUpAt !== null &&
      now - replica.caughtUpAt.getTime() <= this.config.DATABASE_REPLICA_MAX_LAG_MS
    );
  }

  private startChecking(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => void this.check(), this.config.DATABASE_REPLICA_CHECK_INTERVAL_MS);
    this.timer.unref();
    void this.check();
  }

  private async checkAll(): Promise<ReplicaState[]> {
    if (!this.replicas.length) return [];
    const startedAt = this.clock.now();
    let primaryLsn: string;
    try {
      const [row] = await this.primary.query<Array<{ lsn: string }>>(
        'SELECT pg_current_wal_lsn()::text AS lsn',
      );
      primaryLsn = row.lsn;
    } catch {
      // The primary is not answering: nothing to compare with; replicas age out of their bound.
      return this.states();
    }
    await Promise.all(this.replicas.map((replica) => this.checkOne(replica, primaryLsn, startedAt)));
    return this.states();
  }

  private async checkOne(replica: Replica, primaryLsn: string, startedAt: Date): Promise<void> {
    if (this.closed) return;
    try {
      const source = await this.connect(replica);
      const [row] = await source.query<Array<{ in_recovery: boolean; caught_up: boolean | null }>>(
        `SELECT pg_is_in_recovery() AS in_recovery,
                pg_wal_lsn_diff(pg_last_wal_replay_lsn(), $1::pg_lsn) >= 0 AS caught_up`,
        [primaryLsn],
      );
      if (!row.in_recovery) {
        // A promoted replica (or a wrong URL) is another primary: its data may diverge from ours.
        replica.caughtUpAt = null;
        this.setProblem(replica, 'not a replica (pg_is_in_recovery() is false)');
        return;
      }
      if (row.caught_up) replica.caughtUpAt = startedAt;
      this.setProblem(replica, null);
    } catch (error) {
      replica.caughtUpAt = null;
      this.setProblem(replica, error instanceof Error ? error.message : String(error));
    }
  }

  private setProblem(replica: Replica, problem: string | null): void {
    if (problem && problem !== replica.problem) {
      this.logger.warn(`Replica ${replica.label} is not used for reads: ${problem}`);
    } else if (!problem && replica.problem) {
      this.logger.log(`Replica ${replica.label} answers again`);
    }
    replica.problem = problem;
  }

  /** The replica's own DataSource (same entities and pool settings, no migrations), opened on first use. */
  private async connect(replica: Replica): Promise<DataSource> {
    if (replica.dataSource) return replica.dataSource;
    const options = dataSourceOptions({ ...this.config, DATABASE_URL: replica.url });
    const dataSource = await new DataSource({ ...options, migrations: [] }).initialize();
    keepConnectionLossCause(dataSource);
    if (this.closed) {
      await dataSource.destroy();
      throw new Error('closed');
    }
    replica.dataSource = dataSource;
    return dataSource;
  }
}

/** host:port/database of a replica URL, for logs (never its user or password). */
export function replicaLabel(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
}

/**
 * A replica that cannot serve the read now, where the primary can: unreachable or shutting down
 * (the same shapes as any outage, ADR 0035), or a query cancelled by a conflict with recovery
 * (40001 on a standby: replay needed rows the query still saw).
 */
export function isReplicaUnavailable(error: unknown): boolean {
  if (isDependencyUnavailable(error)) return true;
  const chain = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  return chain?.code === '40001' || chain?.driverError?.code === '40001';
}

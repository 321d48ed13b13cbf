import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { InjectConfig } from '../config/config';
import type { AppConfig } from '../config/config';
import { Metrics } from './metrics';

/** What node-postgres's Pool counts (pg-pool); read on scrape, no query. */
interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** The pools under TypeORM's PostgreSQL driver: the primary, and replicas when replication is set. */
export function poolsOf(dataSource: DataSource): Array<[name: string, pool: PoolCounts]> {
  const driver = dataSource.driver as unknown as { master?: PoolCounts; slaves?: PoolCounts[] };
  const pools: Array<[string, PoolCounts]> = [];
  if (driver.master) pools.push(['primary', driver.master]);
  (driver.slaves ?? []).forEach((pool, i) => pools.push([`replica${i}`, pool]));
  return pools;
}

/**
 * Database pool use and waits (both processes), from node-postgres's own counters on each scrape:
 * connections open, in use and idle, requests waiting for one, and the pool's size
 * (DATABASE_POOL_MAX). Waiting above zero for long means the pool is too small or queries too slow.
 */
@Injectable()
export class DatabaseMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const each =
      (read: (pool: PoolCounts) => number) => (gauge: { set: (l: { pool: string }, v: number) => void }) => {
        for (const [pool, counts] of poolsOf(this.dataSource)) gauge.set({ pool }, read(counts));
      };
    this.metrics.scrapeGauge(
      'jiebang_db_pool_connections',
      'Connections the database pool holds open (in use and idle), by pool',
      ['pool'],
      each((p) => p.totalCount),
    );
    this.metrics.scrapeGauge(
      'jiebang_db_pool_idle_connections',
      'Open connections of the database pool not in use, by pool',
      ['pool'],
      each((p) => p.idleCount),
    );
    this.metrics.scrapeGauge(
      'jiebang_db_pool_waiting_requests',
      'Requests for a connection waiting because the database pool is fully in use, by pool',
      ['pool'],
      each((p) => p.waitingCount),
    );
    this.metrics.scrapeGauge(
      'jiebang_db_pool_max_connections',
      'The most connections the database pool may open (DATABASE_POOL_MAX), by pool',
      ['pool'],
      each(() => this.config.DATABASE_POOL_MAX),
    );
  }
}

import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { withTimeout } from '../../common/timeout';
import { LIVENESS_PATH, READINESS_PING_TIMEOUT_MS } from '../http/liveness';
import { ShutdownState } from '../lifecycle/shutdown';
import type { RedisClient } from '../redis/redis-client';
import { InjectRedis } from '../redis/redis.module';
import { MetricsServer } from './metrics.server';

export const READINESS_PATH = '/health/ready';

/**
 * The worker's probes, on its METRICS_PORT (it has no other HTTP port): `/health/live` answers 200
 * while the process runs; `/health/ready` answers 200 when PostgreSQL and Redis answer a ping, 503
 * naming what is down, and 503 from the moment the worker begins to shut down, as the API's do.
 */
@Injectable()
export class WorkerHealth implements OnModuleInit {
  constructor(
    private readonly server: MetricsServer,
    private readonly shutdown: ShutdownState,
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRedis() private readonly redis: RedisClient,
  ) {}

  onModuleInit(): void {
    this.server.addProbe(LIVENESS_PATH, () => Promise.resolve({ ok: true }));
    this.server.addProbe(READINESS_PATH, () => this.ready());
  }

  async ready(): Promise<{ ok: true } | { ok: false; reason: string }> {
    if (this.shutdown.draining) return { ok: false, reason: 'shutting down' };
    const [database, redis] = await Promise.all([
      withTimeout(this.dataSource.query('SELECT 1'), READINESS_PING_TIMEOUT_MS, 'database').then(
        () => null,
        () => 'database',
      ),
      withTimeout(this.redis.ping(), READINESS_PING_TIMEOUT_MS, 'redis').then(
        (answer) => (answer === 'PONG' ? null : 'redis'),
        () => 'redis',
      ),
    ]);
    const down = [database, redis].filter((name): name is string => name !== null);
    return down.length ? { ok: false, reason: `${down.join(', ')} down` } : { ok: true };
  }
}

import { Global, Module } from '@nestjs/common';
import { DatabaseMetrics } from './database-metrics';
import { Metrics } from './metrics';
import { MetricsServer } from './metrics.server';
import { WorkerHealth } from './worker-health';
import { WorkerMetrics } from './worker-metrics';

/** Metrics for both processes (CoreModule): the registry, the database pool gauges, METRICS_PORT. */
@Global()
@Module({
  providers: [Metrics, MetricsServer, DatabaseMetrics],
  exports: [Metrics, MetricsServer],
})
export class MetricsModule {}

/** The worker's own: queue depth, outbox lag, and its probes on METRICS_PORT. */
@Module({ providers: [WorkerMetrics, WorkerHealth] })
export class WorkerMetricsModule {}

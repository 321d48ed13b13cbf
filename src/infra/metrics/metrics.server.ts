import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectConfig } from '../config/config';
import type { AppConfig } from '../config/config';
import { listenErrorLine, StartupError } from '../startup/startup-errors';
import { Metrics } from './metrics';

/** The path Prometheus scrapes on METRICS_PORT (deploy/ and docs/operations.md assume it). */
export const METRICS_PATH = '/metrics';
/** Conventional METRICS_PORT values: the API's, and the worker's (the launcher gives it the next port). */
export const API_METRICS_PORT = 9464;
export const WORKER_METRICS_PORT = 9465;

/** A probe of the process served beside the metrics: 200 with `{status: "ok"}`, else 503 with the reason. */
export type Probe = () => Promise<{ ok: true } | { ok: false; reason: string }>;

/**
 * The operator's port (ADR 0063): METRICS_PORT, off when 0 or unset. A plain node:http server apart
 * from the API's, so the metrics are neither public nor rate limited, cost the API's pipeline
 * nothing, and a scrape cannot be starved by API traffic. It serves `GET /metrics` (Prometheus text
 * format), and the probes a process registers: the worker's `/health/live` and `/health/ready`
 * (WorkerHealth), which has no other HTTP port. Listens at bootstrap (a port in use ends the start
 * naming METRICS_PORT) and closes last, after the drain, so a scrape still sees the shutdown.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MetricsServer.name);
  private readonly probes = new Map<string, Probe>();
  private server: Server | null = null;

  constructor(
    private readonly metrics: Metrics,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Serves `path` (e.g. `/health/ready`) on this port; registered before bootstrap. */
  addProbe(path: string, probe: Probe): void {
    this.probes.set(path, probe);
  }

  /** The port it listens on (METRICS_PORT), or null when off. */
  get port(): number | null {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address.port : null;
  }

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.METRICS_PORT;
    if (!port) return;
    this.metrics.enableProcessMetrics();
    const server = createServer((req, res) => void this.answer(req, res));
    // A scrape holds no connection open for long: Prometheus reconnects each interval anyway.
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) => {
        const line = listenErrorLine(error, port, this.config.HOST);
        reject(line ? new StartupError('METRICS_PORT', line.replace(/\bPORT\b/g, 'METRICS_PORT')) : error);
      });
      server.listen(port, this.config.HOST, () => resolve());
    });
    this.server = server;
    this.logger.log(`Metrics on http://${this.config.HOST}:${port}${METRICS_PATH}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'GET only\n');
    try {
      if (path === METRICS_PATH) {
        return send(res, 200, this.metrics.contentType, await this.metrics.scrape(), req.method);
      }
      const probe = this.probes.get(path);
      if (!probe) return send(res, 404, 'text/plain', 'Not found\n');
      const result = await probe();
      const body = result.ok ? { status: 'ok' } : { status: 'error', reason: result.reason };
      return send(res, result.ok ? 200 : 503, 'application/json', JSON.stringify(body), req.method);
    } catch (error) {
      this.logger.warn({ err: error }, `Metrics port: ${path} failed: ${(error as Error).message}`);
      return send(res, 500, 'text/plain', 'Internal error\n');
    }
  }
}

function send(res: ServerResponse, status: number, type: string, body: string, method = 'GET'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(method === 'HEAD' ? undefined : body);
}

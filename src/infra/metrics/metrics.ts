import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Buckets of the HTTP histogram, in seconds: prom-client's defaults, from 5 ms to 10 s. */
export const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** How late a deadline ran after its due time, in seconds: from 1 s (on time) to a day. */
export const LATENESS_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 900, 1800, 3600, 4 * 3600, 24 * 3600];
/** One webhook attempt's round trip, in seconds (WEBHOOK_TIMEOUT_MS is 15 s by default). */
export const WEBHOOK_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60];

/** A gauge whose value is computed when Prometheus scrapes (pool use, queue depth, outbox lag). */
export type ScrapeCollector<L extends string> = (gauge: Gauge<L>) => Promise<void> | void;

/**
 * The process's metrics (ADR 0063): one prom-client Registry per application (never the library's
 * global one, so two apps in one test process do not mix), the instruments the code observes into,
 * and the gauges collected on scrape. Observing costs a few hash look-ups, whether METRICS_PORT
 * is set or not; only a scrape (MetricsServer) reads them.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private processMetrics = false;
  private readonly collectors: Array<() => Promise<void>> = [];

  /** Per request (API): by method, route TEMPLATE (never the raw URL) and status code. */
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from the request to the end of its answer, by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });

  /** Per deadline run (worker): the clock's time when its handler committed minus its due time. */
  readonly deadlineLateness = new Histogram({
    name: 'jiebang_deadline_lateness_seconds',
    help: 'How long after its due time a deadline ran (committed), by deadline kind',
    labelNames: ['kind'] as const,
    buckets: LATENESS_BUCKETS,
    registers: [this.registry],
  });

  /**
   * Per handler of each relayed event (worker): `handled` when its effect committed, `already` when
   * its processed_events row was there (a redelivery, or another worker got there first), `failed`.
   * Summed over the workers, `handled` is each event once per handler.
   */
  readonly eventHandlings = new Counter({
    name: 'jiebang_event_handlings_total',
    help: 'Domain event handler runs by event type, handler and outcome (handled, already, failed)',
    labelNames: ['type', 'handler', 'outcome'] as const,
    registers: [this.registry],
  });

  /** Per webhook attempt (worker): what it came to. */
  readonly webhookAttempts = new Counter({
    name: 'jiebang_webhook_attempts_total',
    help: 'Webhook delivery attempts by outcome (succeeded, retrying, failed, stale, duplicate, not-due)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /** Per webhook attempt that went out (worker): the receiver's answer time. */
  readonly webhookLatency = new Histogram({
    name: 'jiebang_webhook_attempt_duration_seconds',
    help: 'Round trip of a webhook attempt sent to its receiver, by result (success, failure)',
    labelNames: ['result'] as const,
    buckets: WEBHOOK_BUCKETS,
    registers: [this.registry],
  });

  /** Per mail attempt (worker). */
  readonly mailAttempts = new Counter({
    name: 'jiebang_mail_attempts_total',
    help: 'Mail send attempts by outcome (sent, retrying, failed, already-done)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  /** Collectors that failed (their gauge is left empty for that scrape): Redis or the database down. */
  readonly collectErrors = new Counter({
    name: 'jiebang_metrics_collect_errors_total',
    help: 'Scrape-time collections that failed (their gauge is empty for that scrape), by metric',
    labelNames: ['metric'] as const,
    registers: [this.registry],
  });

  /** A deadline's handler committed at `now` (the clock's): its lateness past `dueAt`. */
  deadlineRan(kind: string, dueAt: Date, now: Date): void {
    this.deadlineLateness.observe({ kind }, Math.max(0, (now.getTime() - dueAt.getTime()) / 1000));
  }

  /** Node's and the process's own metrics (CPU, memory, event loop lag, GC, handles), once per app. */
  enableProcessMetrics(): void {
    if (this.processMetrics) return;
    this.processMetrics = true;
    collectDefaultMetrics({ register: this.registry });
  }

  /** A gauge set by `collect` on each scrape; a collect that throws leaves the gauge empty. */
  scrapeGauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    collect: ScrapeCollector<L>,
  ): Gauge<L> {
    const gauge = new Gauge<L>({ name, help, labelNames, registers: [this.registry] });
    this.collectors.push(async () => {
      try {
        gauge.reset();
        await collect(gauge);
      } catch {
        gauge.reset();
        this.collectErrors.inc({ metric: name });
      }
    });
    return gauge;
  }

  /**
   * The text Prometheus scrapes (format 0.0.4). The scrape gauges are collected first, side by side,
   * so a failed collection is counted in the same scrape.
   */
  async scrape(): Promise<string> {
    await Promise.all(this.collectors.map((collect) => collect()));
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

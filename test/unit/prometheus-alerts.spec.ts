import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { parse } from 'yaml';
import { Metrics } from '../../src/infra/metrics/metrics';

/**
 * docs/prometheus-alerts.yml (ADR 0063), read as Prometheus reads a rule file (there is no
 * Prometheus on the CI machine): YAML, groups of complete rules, each naming only metrics the
 * processes export; and the compose file probes the worker where it serves its probes.
 */
const ROOT = join(__dirname, '..', '..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

interface Rule {
  alert?: string;
  expr?: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const rules = parse(read('docs/prometheus-alerts.yml')) as { groups: Array<{ name: string; rules: Rule[] }> };

/** Every metric name a scrape of the API or the worker can show (domain, pool, queue, process). */
function exportedNames(): Set<string> {
  const metrics = new Metrics();
  const names = metrics.registry.getMetricsAsArray().map((m) => m.name);
  const scraped = [
    'jiebang_db_pool_waiting_requests',
    'jiebang_queue_jobs',
    'jiebang_outbox_oldest_undelivered_age_seconds',
  ];
  const defaults = new Registry();
  collectDefaultMetrics({ register: defaults });
  return new Set([...names, ...scraped, ...defaults.getMetricsAsArray().map((m) => m.name), 'up']);
}

describe('docs/prometheus-alerts.yml', () => {
  const all = rules.groups.flatMap((group) => group.rules);

  it('is a rule file of named groups of complete alerts, each named once', () => {
    expect(rules.groups.length).toBeGreaterThan(0);
    for (const group of rules.groups)
      expect(group).toMatchObject({ name: expect.any(String), rules: expect.any(Array) });
    for (const rule of all) {
      expect(rule).toMatchObject({
        alert: expect.stringMatching(/^Jiebang[A-Za-z]+$/),
        expr: expect.any(String),
        for: expect.stringMatching(/^\d+[smh]$/),
        labels: { severity: expect.stringMatching(/^(warning|critical)$/) },
        annotations: { summary: expect.any(String), description: expect.any(String) },
      });
    }
    expect(new Set(all.map((r) => r.alert)).size).toBe(all.length);
  });

  it('names only metrics the API and the worker export, and the required signals each have an alert', () => {
    const known = exportedNames();
    const used = new Set<string>();
    for (const rule of all) {
      for (const [name] of rule.expr!.matchAll(/\b(?:jiebang|http|nodejs|process)_[a-z0-9_]+|\bup\b/g)) {
        const base = name.replace(/_(bucket|count|sum)$/, '');
        expect({ alert: rule.alert, name, known: known.has(name) || known.has(base) }).toMatchObject({
          known: true,
        });
        used.add(base);
      }
    }
    for (const signal of [
      'http_request_duration_seconds',
      'jiebang_db_pool_waiting_requests',
      'jiebang_queue_jobs',
      'jiebang_outbox_oldest_undelivered_age_seconds',
      'jiebang_deadline_lateness_seconds',
      'jiebang_event_handlings_total',
      'jiebang_webhook_attempts_total',
      'jiebang_mail_attempts_total',
    ])
      expect(used).toContain(signal);
  });

  it('is described in docs/operations.md, alert by alert', () => {
    const operations = read('docs/operations.md');
    for (const rule of all) expect(operations).toContain(rule.alert);
  });
});

describe('docker-compose.yml and metrics', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as {
    services: Record<
      string,
      { environment?: Record<string, string>; healthcheck?: { test?: string[]; disable?: boolean } }
    >;
  };

  it('gives the API and the worker their METRICS_PORT, and probes the worker there', () => {
    expect(compose.services.api.environment?.METRICS_PORT).toBe('9464');
    expect(compose.services.worker.environment?.METRICS_PORT).toBe('9465');
    const worker = compose.services.worker.healthcheck;
    expect(worker?.disable).toBeUndefined();
    expect(worker?.test?.join(' ')).toContain('http://127.0.0.1:9465/health/live');
  });
});

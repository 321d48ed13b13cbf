import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import type { PrometheusFamily } from 'parse-prometheus-text-format';

/** One sample line: `name{label="value",…} value`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Scrape {
  /** The families by name, with their TYPE and HELP, as the maintained parser read them. */
  families: Map<string, PrometheusFamily>;
  /** Every sample line, histogram buckets, sums and counts included, with all their labels. */
  samples: Sample[];
}

/** A number of the text format (Go's ParseFloat): a float, or ±Inf, NaN in any case. */
const NUMBER = /^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Inf|NaN)$/i;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?[ \t]+(\S+)(?:[ \t]+-?\d+)?$/;
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/;

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (let rest = text; rest.length;) {
    const match = LABEL.exec(rest);
    if (!match) throw new Error(`Bad labels in "${line}"`);
    labels[match[1]] = match[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    rest = rest.slice(match[0].length);
  }
  return labels;
}

/**
 * Parses a scrape strictly. parse-prometheus-text-format (maintained, it throws on a line it cannot
 * read) checks the text and gives the families; every family must have a TYPE and a HELP. Its
 * samples are not used: it folds a histogram's series into one and drops their labels, so the
 * sample lines are read here, each one checked (name of a known family, labels, a number).
 */
export function parseMetrics(text: string): Scrape {
  const families = new Map<string, PrometheusFamily>();
  for (const family of parsePrometheusTextFormat(text)) {
    if (families.has(family.name)) throw new Error(`${family.name}: two families of one name`);
    if (family.type === 'UNTYPED') throw new Error(`${family.name}: no # TYPE line`);
    if (!family.help) throw new Error(`${family.name}: no # HELP line`);
    families.set(family.name, family);
  }
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match || !NUMBER.test(match[3])) throw new Error(`Not a sample line: "${line}"`);
    const name = match[1];
    const family = families.get(name) ?? families.get(name.replace(/_(bucket|sum|count)$/, ''));
    if (!family) throw new Error(`${name}: a sample of no family`);
    samples.push({ name, labels: parseLabels(match[2] ?? '', line), value: Number(match[3]) });
  }
  return { families, samples };
}

/** The samples named `name` whose labels include `labels`. */
export function samplesOf(scrape: Scrape, name: string, labels: Record<string, string> = {}): Sample[] {
  return scrape.samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}

/** The value of the one sample named `name` with these labels; 0 when there is none. */
export function valueOf(scrape: Scrape, name: string, labels: Record<string, string> = {}): number {
  const found = samplesOf(scrape, name, labels);
  if (found.length > 1) throw new Error(`${name}: ${found.length} samples match ${JSON.stringify(labels)}`);
  return found[0]?.value ?? 0;
}

/** GETs `path` on a metrics port of this machine. */
export async function scrape(
  port: number,
  path = '/metrics',
): Promise<{ status: number; body: string; type: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return {
    status: response.status,
    body: await response.text(),
    type: response.headers.get('content-type') ?? '',
  };
}

/** GETs and parses `/metrics` on `port`. */
export async function scrapeMetrics(port: number): Promise<Scrape> {
  const { status, body } = await scrape(port);
  if (status !== 200) throw new Error(`/metrics answered ${status}`);
  return parseMetrics(body);
}

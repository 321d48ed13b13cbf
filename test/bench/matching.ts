import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Clock } from '../../src/infra/clock/clock';
import { dataSourceOptions } from '../../src/infra/database/data-source.options';
import { migrateWithLock } from '../../src/infra/database/migrate';
import { MatchDocumentsRepository } from '../../src/modules/platform/terms/match-documents.repository';
import { Match, MatchIndex } from '../../src/modules/platform/terms/match-index.service';
import { weighTerms } from '../../src/modules/platform/terms/match-scoring';
import { TermsService } from '../../src/modules/platform/terms/terms.service';
import {
  fixtureNeeds,
  fixtureResults,
  fixtureUuid,
  publicFieldsOfNeed,
  publicFieldsOfResult,
} from '../support/matching-fixture';
import { loadAverage, recordGoal } from './goals';
import { freshBenchDatabase } from './resources';

/**
 * Matching at scale (ADR 0060): BENCH_MATCH_RESULTS result documents (default 100,000) generated
 * from the vocabulary of test/fixtures/matching (each a mix of a fixture result's terms, terms of
 * its chain and terms of the whole fixture, 15–45 distinct terms), plus the 60 fixture results and
 * the 30 fixture needs indexed by MatchIndex. A need's top 10 (MatchIndex.topMatches: the postings
 * of its terms, then the re-ranking of 100 candidates) against the baseline in the same run: the
 * same scoring computed over every row from its stored arrays (a sequential scan, no index).
 */
const RESULTS = Number(process.env.BENCH_MATCH_RESULTS ?? 100_000);
const DB = `jiebang_bench_matching_${process.pid}`;
const GOAL_MS = 100;

/** A small deterministic PRNG (mulberry32): the same library on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Timing {
  p50: number;
  p95: number;
  n: number;
}

async function time(n: number, fn: (i: number) => Promise<unknown>): Promise<Timing> {
  await fn(0); // warm-up
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await fn(i);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(n / 2)], p95: times[Math.min(n - 1, Math.floor(n * 0.95))], n };
}

/** The generated library, written in batches straight into the three tables. */
async function seedLibrary(dataSource: DataSource, terms: TermsService): Promise<void> {
  const results = fixtureResults();
  const templates = results.map((r) => ({
    chain: r.chain,
    region: r.region,
    terms: [...terms.count([r.title, r.abstract], r.keywords).keys()],
  }));
  const byChain = new Map<string, string[]>();
  for (const t of templates) byChain.set(t.chain, [...(byChain.get(t.chain) ?? []), ...t.terms]);
  const everything = templates.flatMap((t) => t.terms);
  const random = prng(18);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const BATCH = 2000;
  for (let start = 0; start < RESULTS; start += BATCH) {
    const docs: Array<Record<string, unknown>> = [];
    const postings = { ids: [] as string[], terms: [] as string[], weights: [] as number[] };
    for (let i = start; i < Math.min(RESULTS, start + BATCH); i++) {
      const template = pick(templates);
      const counts = new Map<string, number>();
      const add = (t: string) => counts.set(t, (counts.get(t) ?? 0) + (random() < 0.2 ? 2 : 1));
      for (const t of template.terms) if (random() < 0.5) add(t);
      const chainTerms = byChain.get(template.chain) ?? everything;
      for (let k = 0; k < 8 + random() * 12; k++) add(pick(chainTerms));
      for (let k = 0; k < 4 + random() * 10; k++) add(pick(everything));
      const weighted = weighTerms(counts);
      const id = randomUUID();
      const trl = 3 + Math.floor(random() * 7);
      docs.push({ id, chains: [template.chain], region: template.region, trl, ...weighted });
      weighted.terms.forEach((t, j) => {
        postings.ids.push(id);
        postings.terms.push(t);
        postings.weights.push(weighted.weights[j] / weighted.norm);
      });
    }
    await dataSource.query(
      `INSERT INTO match_documents (subject_kind, subject_id, chains, region, trl, terms, weights, norm, updated_at)
       SELECT 'result', (d->>'id')::uuid, ARRAY(SELECT jsonb_array_elements_text(d->'chains')), d->>'region',
         (d->>'trl')::smallint, ARRAY(SELECT jsonb_array_elements_text(d->'terms')),
         ARRAY(SELECT jsonb_array_elements_text(d->'weights')::real), (d->>'norm')::real, now()
       FROM jsonb_array_elements($1::jsonb) AS d`,
      [JSON.stringify(docs)],
    );
    await dataSource.query(
      `INSERT INTO match_terms (subject_kind, subject_id, term, weight)
       SELECT 'result', id, term, weight FROM unnest($1::uuid[], $2::text[], $3::real[]) AS p(id, term, weight)`,
      [postings.ids, postings.terms, postings.weights],
    );
  }
  await dataSource.query(
    `INSERT INTO match_term_stats (subject_kind, term, documents)
     SELECT subject_kind, term, count(*) FROM match_terms GROUP BY subject_kind, term`,
  );
}

export async function matchingCases(adminUrl: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const url = await freshBenchDatabase(admin, adminUrl, DB);
  const dataSource = await new DataSource(
    dataSourceOptions({ DATABASE_URL: url, DATABASE_POOL_MAX: 2, DATABASE_STATEMENT_TIMEOUT_MS: 600_000 }),
  ).initialize();
  try {
    await migrateWithLock(dataSource);
    const terms = new TermsService();
    const index = new MatchIndex(new MatchDocumentsRepository(dataSource), terms, new Clock());
    const seeding = performance.now();
    await seedLibrary(dataSource, terms);
    for (const r of fixtureResults()) await index.index('result', fixtureUuid(r.id), publicFieldsOfResult(r));
    const needs = fixtureNeeds();
    for (const n of needs) await index.index('need', fixtureUuid(n.id), publicFieldsOfNeed(n));
    await dataSource.query('VACUUM ANALYZE match_documents, match_terms, match_term_stats');
    const [size] = await dataSource.query<Array<{ postings: number }>>(
      `SELECT count(*)::int AS postings FROM match_terms WHERE subject_kind = 'result'`,
    );
    console.log(
      `\n## Matching: a need's top 10 among ${RESULTS + 60} results (${size.postings} postings, ` +
        `seeded in ${((performance.now() - seeding) / 1000).toFixed(1)} s; ${loadAverage()})`,
    );

    const top = (i: number): Promise<Match[]> =>
      index.topMatches('need', fixtureUuid(needs[i % needs.length].id), 'result', 10);
    const scan = (i: number): Promise<Match[]> =>
      index.topMatchesByScan('need', fixtureUuid(needs[i % needs.length].id), 'result', 10);
    const ours = await time(60, top);
    const baseline = await time(12, scan);

    // Same answers? The top 10 of both, need by need; and the right fixture result among 100,000.
    let same = 0;
    let right = 0;
    for (let i = 0; i < needs.length; i++) {
      const a = (await top(i)).map((m) => m.id);
      const b = (await scan(i)).map((m) => m.id);
      same += a.filter((id) => b.includes(id)).length;
      if (a.includes(fixtureUuid(needs[i].answer))) right++;
    }
    console.table([
      {
        case: 'sequential scan (every row scored)',
        n: baseline.n,
        'p50 ms': baseline.p50.toFixed(1),
        'p95 ms': baseline.p95.toFixed(1),
      },
      {
        case: 'postings + re-rank (MatchIndex)',
        n: ours.n,
        'p50 ms': ours.p50.toFixed(1),
        'p95 ms': ours.p95.toFixed(1),
      },
    ]);
    console.log(
      `top-10 overlap with the baseline: ${((100 * same) / (needs.length * 10)).toFixed(1)}%; ` +
        `right fixture result in the top 10 among ${RESULTS + 60}: ${right}/${needs.length}`,
    );
    recordGoal({
      goal: `matching: a need's top 10 among ${RESULTS.toLocaleString('en')} results`,
      ours: `p95 ${ours.p95.toFixed(1)} ms (p50 ${ours.p50.toFixed(1)})`,
      baseline: `p95 ${baseline.p95.toFixed(1)} ms sequential scan`,
      ratio: baseline.p95 / ours.p95,
      target: `≤ ${GOAL_MS} ms`,
      met: ours.p95 <= GOAL_MS,
      note: `top-10 overlap with the scan ${((100 * same) / (needs.length * 10)).toFixed(0)}%`,
    });
  } finally {
    await dataSource.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    await admin.end();
  }
}

if (require.main === module) {
  matchingCases(process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres').catch(
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}

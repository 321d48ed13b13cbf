import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MatchSubject } from '../../src/modules/platform/terms/match-scoring';

/** A need of test/fixtures/matching: its public fields, its confidential details, its right result. */
export interface FixtureNeed {
  id: string;
  title: string;
  summary: string;
  confidential: string;
  keywords: string[];
  chain: string;
  region: string;
  trl: number;
  answer: string;
}

export interface FixtureResult {
  id: string;
  title: string;
  abstract: string;
  keywords: string[];
  chain: string;
  region: string;
  trl: number;
}

/** test/fixtures/matching, from the sources (jest) or from dist/test/support (the bench). */
const DIR = [
  join(__dirname, '..', 'fixtures', 'matching'),
  join(__dirname, '..', '..', '..', 'test', 'fixtures', 'matching'),
].find((dir) => existsSync(join(dir, 'needs.json')))!;

export const fixtureNeeds = (): FixtureNeed[] =>
  JSON.parse(readFileSync(join(DIR, 'needs.json'), 'utf8')) as FixtureNeed[];

export const fixtureResults = (): FixtureResult[] =>
  JSON.parse(readFileSync(join(DIR, 'results.json'), 'utf8')) as FixtureResult[];

/** A stable uuid for a fixture id (the index keys subjects by uuid). */
export function fixtureUuid(id: string): string {
  const h = createHash('sha256').update(`matching-fixture:${id}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * What the needs module will hand MatchIndex of a need: its public fields only (title, public
 * summary, keywords, chain, region, TRL), never its confidential details.
 */
export function publicFieldsOfNeed(need: FixtureNeed): MatchSubject {
  return {
    texts: [need.title, need.summary],
    keywords: need.keywords,
    chains: [need.chain],
    region: need.region,
    trl: need.trl,
  };
}

export function publicFieldsOfResult(result: FixtureResult): MatchSubject {
  return {
    texts: [result.title, result.abstract],
    keywords: result.keywords,
    chains: [result.chain],
    region: result.region,
    trl: result.trl,
  };
}

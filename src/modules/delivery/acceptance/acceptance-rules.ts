import type { Measurement } from './entities/acceptance.entity';

/** A task-book indicator as the task book (projects.task_book.indicators) holds it. */
export interface TaskBookIndicator {
  indicatorId: string;
  name: string;
  unit: string;
  targetValue: string;
  committedValue: string;
}

/** The indicators of a task book (an empty list when it has none). */
export function taskBookIndicators(taskBook: Record<string, unknown>): TaskBookIndicator[] {
  const raw = Array.isArray(taskBook.indicators)
    ? (taskBook.indicators as Array<Record<string, unknown>>)
    : [];
  const str = (v: unknown) =>
    typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? v.toString() : '';
  return raw.map((i) => ({
    indicatorId: str(i.indicatorId),
    name: str(i.name),
    unit: str(i.unit),
    targetValue: str(i.targetValue),
    committedValue: str(i.committedValue),
  }));
}

/** How a list of per-indicator entries disagrees with the task book's indicators. */
export interface IndicatorCoverage {
  missing: TaskBookIndicator[];
  unknown: string[];
  duplicate: string[];
}

/** Every indicator of the task book exactly once, nothing else (ids compared case-insensitively). */
export function indicatorCoverage(
  indicators: readonly TaskBookIndicator[],
  givenIds: readonly string[],
): IndicatorCoverage {
  const known = new Set(indicators.map((i) => i.indicatorId.toLowerCase()));
  const seen = new Set<string>();
  const duplicate: string[] = [];
  const unknown: string[] = [];
  for (const raw of givenIds) {
    const id = raw.toLowerCase();
    if (!known.has(id)) unknown.push(raw);
    else if (seen.has(id)) duplicate.push(raw);
    seen.add(id);
  }
  return {
    missing: indicators.filter((i) => !seen.has(i.indicatorId.toLowerCase())),
    unknown,
    duplicate,
  };
}

export function isComplete(coverage: IndicatorCoverage): boolean {
  return !coverage.missing.length && !coverage.unknown.length && !coverage.duplicate.length;
}

/** The words of a coverage problem, for the 422's detail. */
export function coverageMessage(what: string, coverage: IndicatorCoverage): string {
  return [
    coverage.missing.length
      ? `missing for ${coverage.missing.map((i) => `「${i.name}」 (${i.indicatorId})`).join(', ')}`
      : null,
    coverage.unknown.length ? `not indicators of the task book: ${coverage.unknown.join(', ')}` : null,
    coverage.duplicate.length ? `given twice: ${coverage.duplicate.join(', ')}` : null,
  ]
    .filter(Boolean)
    .join('; ')
    .replace(/^/, `${what}: `);
}

/** The measurements as stored: task-book order, with the committed values of the time. */
export function measurementsOf(
  indicators: readonly TaskBookIndicator[],
  given: ReadonlyArray<{ indicatorId: string; measuredValue: string }>,
): Measurement[] {
  const byId = new Map(given.map((g) => [g.indicatorId.toLowerCase(), g.measuredValue.trim()]));
  return indicators.map((i) => ({
    ...i,
    measuredValue: byId.get(i.indicatorId.toLowerCase()) ?? '',
  }));
}

/** Milestone statuses that count as passed for acceptance (a conditional pass is a pass). */
export const PASSED_MILESTONE_STATUSES = ['passed', 'conditionally_passed'] as const;

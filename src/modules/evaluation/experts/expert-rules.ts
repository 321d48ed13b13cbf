import { FieldError } from '../../../common/errors/domain-error';

export const MAX_INDUSTRY_CHAINS = 20;
export const MAX_KEYWORDS = 30;
export const MAX_COLLABORATIONS = 50;
/** Years a collaboration may name: the People's Republic's research institutions onwards, and a margin ahead. */
export const COLLABORATION_YEARS = { min: 1949, max: 2100 } as const;

export interface CollaborationInput {
  organizationId: string;
  fromYear: number;
  toYear?: number | null;
}

/**
 * Declared collaborations: each with a known organization (`known`: the ids among them that
 * exist) and a period that does not end before it begins. The same organization may appear more
 * than once (separate periods). Years against the clock are not checked: a collaboration agreed
 * for next year is still a relationship, and the conflict check counts it.
 */
export function checkCollaborations(
  collaborations: ReadonlyArray<CollaborationInput>,
  known: ReadonlySet<string>,
  listField: string,
): FieldError[] {
  const errors: FieldError[] = [];
  collaborations.forEach((c, i) => {
    if (!known.has(c.organizationId)) {
      errors.push({ field: `${listField}[${i}].organizationId`, message: 'organization not found' });
    }
    if (c.toYear !== undefined && c.toYear !== null && c.toYear < c.fromYear) {
      errors.push({
        field: `${listField}[${i}].toYear`,
        message: `toYear (${c.toYear}) must not be before fromYear (${c.fromYear}); omit it for an ongoing collaboration`,
      });
    }
  });
  return errors;
}

/** Keywords as stored: trimmed, blank ones dropped, each once (the first spelling, case-insensitively). */
export function normalizeKeywords(keywords: ReadonlyArray<string>): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const raw of keywords) {
    const keyword = raw.trim();
    const key = keyword.toLowerCase();
    if (!keyword || seen.has(key)) continue;
    seen.add(key);
    result.push(keyword);
  }
  return result;
}

/**
 * A result's match with an open public need at or above this score raises a standing alert
 * (`match.found`, ADR 0060 "Wiring"). Scores are 0..1 (terms × (0.6 + 0.25·chain + 0.1·trl +
 * 0.05·region)), so a chain, TRL or region alone never reaches it; the fixture's right answer
 * (test/fixtures/matching n01 ↔ r01, same chain) scores about 0.16 in a small library.
 */
export const MATCH_ALERT_THRESHOLD = 0.12;

/** How many needs a published result is compared with for alerts. */
export const MATCH_ALERT_POOL = 50;

export const MATCH_EVENTS = { found: 'match.found' } as const;

export const MATCH_AUDIT = { labelled: 'match.labelled' } as const;

export const MATCH_LABEL_ENTITY = 'match_label';

/** The kinds a need is matched with, and the verdicts of a broker's label. */
export const NEED_MATCH_KINDS = ['result', 'team', 'expert'] as const;
export type NeedMatchKind = (typeof NEED_MATCH_KINDS)[number];
export const MATCH_VERDICTS = ['accept', 'reject'] as const;
export type MatchVerdict = (typeof MATCH_VERDICTS)[number];

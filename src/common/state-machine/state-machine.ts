import { DomainError } from '../errors/domain-error';

/**
 * The target a row names: a status, `SAME` (the action changes the aggregate but not its status:
 * an edit, an amendment) or `PREVIOUS` (back to the status recorded before, as `resume` after
 * `suspend`).
 */
export const SAME = 'unchanged' as const;
export const PREVIOUS = 'previous' as const;
export type Target<S extends string> = S | typeof SAME | typeof PREVIOUS;

/** One row of a transition table: `action` moves an aggregate from any of `from` to `to`. */
export interface TransitionRow<S extends string, A extends string> {
  action: A;
  /** Empty for an action that creates the aggregate (its status is then `to`). */
  from: readonly S[];
  to: Target<S>;
  /** Who may take it, in the vocabulary of DOMAIN.md's roles ("issuer", "admin", "system", …). */
  by: string;
  /** What else must hold, and what it does besides moving the status. */
  description: string;
}

export interface MachineDefinition<S extends string, A extends string> {
  /** The aggregate, as a reader names it: "challenge", "application", "project". */
  aggregate: string;
  states: readonly S[];
  /** Not every action is in every table row; the list lets tests try each action in each state. */
  actions: readonly A[];
  transitions: readonly TransitionRow<S, A>[];
}

/**
 * A state machine as data (STYLE.md: "every status change goes through one transition table whose
 * row names the target"). Services ask `target(from, action)` for the status to write — they never
 * spell the target again — and the OpenAPI descriptions and docs/architecture.md are rendered from
 * the same rows. An action may appear in several rows with disjoint `from` sets.
 */
export class StateMachine<S extends string, A extends string> {
  readonly aggregate: string;
  readonly states: readonly S[];
  readonly actions: readonly A[];
  readonly transitions: readonly TransitionRow<S, A>[];

  constructor(definition: MachineDefinition<S, A>) {
    this.aggregate = definition.aggregate;
    this.states = definition.states;
    this.actions = definition.actions;
    this.transitions = definition.transitions;
    this.assertWellFormed();
  }

  /** The row that takes `action` from `from`, or undefined when the table has none. */
  rowFor(from: S, action: A): TransitionRow<S, A> | undefined {
    return this.transitions.find((row) => row.action === action && row.from.includes(from));
  }

  can(from: S, action: A): boolean {
    return this.rowFor(from, action) !== undefined;
  }

  /**
   * The status `action` leads to from `from`, as the table names it. Throws 409
   * INVALID_STATE_TRANSITION naming the state and the action when no row allows it. `previous` is
   * the status to return to for a `PREVIOUS` row.
   */
  target(from: S, action: A, previous?: S | null): S {
    const row = this.rowFor(from, action);
    if (!row) throw DomainError.invalidTransition(from, action);
    if (row.to === SAME) return from;
    if (row.to === PREVIOUS) {
      if (!previous) throw new Error(`${this.aggregate}: ${action} needs the previous status`);
      return previous;
    }
    return row.to;
  }

  /** Throws 409 INVALID_STATE_TRANSITION when `action` is not allowed from `from`. */
  assert(from: S, action: A): void {
    this.target(from, action, from);
  }

  /** The status a creating action gives a new aggregate. */
  initial(action: A): S {
    const row = this.transitions.find((r) => r.action === action && r.from.length === 0);
    if (!row || row.to === SAME || row.to === PREVIOUS)
      throw new Error(`${this.aggregate}: ${action} creates nothing`);
    return row.to;
  }

  /** Every state `action` may start from (for SQL guards: `WHERE status = ANY($1)`). */
  sourcesOf(action: A): S[] {
    return [...new Set(this.transitions.filter((r) => r.action === action).flatMap((r) => r.from))];
  }

  /** One line per row, for an OpenAPI description. */
  describe(actions: readonly A[] = this.actions): string {
    return this.transitions
      .filter((row) => actions.includes(row.action))
      .map((row) => `${row.action}: ${formatFrom(row)} → ${formatTo(row)} (${row.by}; ${row.description})`)
      .join('; ');
  }

  /** The table as Markdown, for docs/architecture.md. */
  toMarkdown(): string {
    const lines = ['| action | from | to | who | what |', '| --- | --- | --- | --- | --- |'];
    for (const row of this.transitions) {
      lines.push(
        `| ${row.action} | ${formatFrom(row)} | ${formatTo(row)} | ${row.by} | ${row.description} |`,
      );
    }
    return lines.join('\n');
  }

  private assertWellFormed(): void {
    for (const row of this.transitions) {
      if (!this.actions.includes(row.action))
        throw new Error(`${this.aggregate}: unknown action ${row.action}`);
      for (const s of [...row.from, row.to]) {
        if (s !== SAME && s !== PREVIOUS && !this.states.includes(s)) {
          throw new Error(`${this.aggregate}: unknown state ${s} in ${row.action}`);
        }
      }
      const overlap = this.transitions.find(
        (other) =>
          other !== row && other.action === row.action && other.from.some((s) => row.from.includes(s)),
      );
      if (overlap) throw new Error(`${this.aggregate}: ${row.action} has two rows from the same state`);
    }
  }
}

function formatFrom(row: TransitionRow<string, string>): string {
  return row.from.length ? row.from.join(', ') : '(new)';
}

function formatTo(row: TransitionRow<string, string>): string {
  if (row.to === SAME) return '(unchanged)';
  if (row.to === PREVIOUS) return '(the status before)';
  return row.to;
}

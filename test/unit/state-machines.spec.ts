import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError } from '../../src/common/errors/domain-error';
import { ERROR_STATUS } from '../../src/common/errors/error-codes';
import { PREVIOUS, SAME } from '../../src/common/state-machine/state-machine';
import { STATE_MACHINES, STATE_TABLES_BEGIN, STATE_TABLES_END } from '../../src/modules/state-machines';

/** The aggregates issue 15 names, each of which must have exactly one table. */
const REQUIRED = [
  'challenge',
  'application',
  'review panel',
  'panel member',
  'selection',
  'objection',
  'project',
  'milestone',
  'change request',
  'payment',
  'acceptance',
];

function refusal(run: () => unknown): DomainError | undefined {
  try {
    run();
  } catch (error) {
    return error as DomainError;
  }
  return undefined;
}

describe('state machines', () => {
  it('has one table per aggregate, covering every aggregate with a status', () => {
    const aggregates = STATE_MACHINES.map(({ machine }) => machine.aggregate);
    expect(new Set(aggregates).size).toBe(aggregates.length);
    expect(aggregates).toEqual(expect.arrayContaining(REQUIRED));
  });

  describe.each(STATE_MACHINES.map(({ machine }) => [machine.aggregate, machine] as const))(
    '%s',
    (_, machine) => {
      it('answers every action in every state: the row’s target, or 409 INVALID_STATE_TRANSITION', () => {
        for (const state of machine.states) {
          for (const action of machine.actions) {
            const row = machine.rowFor(state, action);
            if (row) {
              const expected = row.to === SAME ? state : row.to === PREVIOUS ? 'draft-before' : row.to;
              expect({ state, action, to: machine.target(state, action, 'draft-before') }).toEqual({
                state,
                action,
                to: expected,
              });
              continue;
            }
            const error = refusal(() => machine.target(state, action));
            expect({ state, action, code: error?.code }).toEqual({
              state,
              action,
              code: 'INVALID_STATE_TRANSITION',
            });
            expect(ERROR_STATUS[error!.code]).toBe(409);
            expect(error?.options.extra).toEqual({ state, action });
          }
        }
      });

      it('has no state a row cannot reach or leave, unless it is final or initial', () => {
        const reached = new Set(
          machine.transitions.flatMap((row) => (typeof row.to === 'string' ? [row.to] : [])),
        );
        const left = new Set(machine.transitions.flatMap((row) => row.from));
        for (const state of machine.states)
          expect({ state, known: reached.has(state) || left.has(state) }).toEqual({ state, known: true });
      });
    },
  );

  it('are shown in docs/architecture.md exactly as their rows say', () => {
    const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'architecture.md'), 'utf8');
    const begin = doc.indexOf(STATE_TABLES_BEGIN);
    const end = doc.indexOf(STATE_TABLES_END);
    expect(begin).toBeGreaterThan(0);
    const section = doc.slice(begin, end);
    const cells = (line: string): string[] =>
      line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim());
    for (const { machine } of STATE_MACHINES) {
      const start = section.indexOf(`#### ${machine.aggregate} (`);
      expect({ aggregate: machine.aggregate, shown: start >= 0 }).toEqual({
        aggregate: machine.aggregate,
        shown: true,
      });
      const rest = section.slice(start).split('\n').slice(1);
      const next = rest.findIndex((line) => line.startsWith('#### '));
      const shown = (next < 0 ? rest : rest.slice(0, next)).filter((l) => l.startsWith('|')).map(cells);
      const expected = machine.toMarkdown().split('\n').map(cells);
      expect([machine.aggregate, shown.filter((r) => !r.every((c) => /^-+$/.test(c)))]).toEqual([
        machine.aggregate,
        expected.filter((r) => !r.every((c) => /^-+$/.test(c))),
      ]);
    }
  });
});

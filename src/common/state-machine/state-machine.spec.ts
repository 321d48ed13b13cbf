import { DomainError } from '../errors/domain-error';
import { PREVIOUS, SAME, StateMachine } from './state-machine';

type S = 'draft' | 'open' | 'paused' | 'closed';
type A = 'create' | 'open' | 'edit' | 'pause' | 'resume' | 'close';

const machine = new StateMachine<S, A>({
  aggregate: 'thing',
  states: ['draft', 'open', 'paused', 'closed'],
  actions: ['create', 'open', 'edit', 'pause', 'resume', 'close'],
  transitions: [
    { action: 'create', from: [], to: 'draft', by: 'owner', description: 'make it' },
    { action: 'open', from: ['draft'], to: 'open', by: 'owner', description: 'open it' },
    { action: 'edit', from: ['draft', 'open'], to: SAME, by: 'owner', description: 'change it' },
    { action: 'pause', from: ['draft', 'open'], to: 'paused', by: 'admin', description: 'hold it' },
    { action: 'resume', from: ['paused'], to: PREVIOUS, by: 'admin', description: 'back' },
    { action: 'close', from: ['open'], to: 'closed', by: 'system', description: 'at the deadline' },
  ],
});

describe('StateMachine', () => {
  it('takes the target from the row', () => {
    expect(machine.target('draft', 'open')).toBe('open');
    expect(machine.target('open', 'edit')).toBe('open');
    expect(machine.target('paused', 'resume', 'open')).toBe('open');
    expect(machine.initial('create')).toBe('draft');
    expect(machine.sourcesOf('pause')).toEqual(['draft', 'open']);
  });

  it('answers 409 INVALID_STATE_TRANSITION naming the state and the action otherwise', () => {
    const error = (() => {
      try {
        machine.target('closed', 'open');
      } catch (e) {
        return e as DomainError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(DomainError);
    expect(error?.code).toBe('INVALID_STATE_TRANSITION');
    expect(error?.options.extra).toEqual({ state: 'closed', action: 'open' });
    expect(machine.can('closed', 'edit')).toBe(false);
  });

  it('refuses a table with an unknown state or two rows for one action from one state', () => {
    expect(
      () =>
        new StateMachine<S, A>({
          aggregate: 'bad',
          states: ['draft'],
          actions: ['open'],
          transitions: [{ action: 'open', from: ['draft'], to: 'open', by: 'x', description: '' }],
        }),
    ).toThrow(/unknown state open/);
    expect(
      () =>
        new StateMachine<S, A>({
          aggregate: 'bad',
          states: ['draft', 'open'],
          actions: ['open'],
          transitions: [
            { action: 'open', from: ['draft'], to: 'open', by: 'x', description: '' },
            { action: 'open', from: ['draft'], to: 'draft', by: 'x', description: '' },
          ],
        }),
    ).toThrow(/two rows/);
  });

  it('renders its rows for the docs', () => {
    expect(machine.toMarkdown()).toContain('| resume | paused | (the status before) | admin | back |');
    expect(machine.describe(['close'])).toBe('close: open → closed (system; at the deadline)');
  });
});

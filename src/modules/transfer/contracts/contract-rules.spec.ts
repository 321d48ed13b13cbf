import { DomainError } from '../../../common/errors/domain-error';
import {
  beijingDate,
  beijingYear,
  contractRuleErrors,
  ContractFigures,
  isKnownRegion,
  registrationNumber,
} from './contract-rules';
import {
  CONTRACT_ACTIONS,
  CONTRACT_MACHINE,
  CONTRACT_STATUSES,
  ContractAction,
  ContractStatus,
} from './contract-status';

const NOW = new Date('2027-06-20T02:00:00Z');
const VALID: ContractFigures = {
  contractAmountFen: 300_000_000,
  technologyTransactionAmountFen: 250_000_000,
  signedOn: '2027-06-18',
  regionCode: '360100',
  sellerOrganizationId: '034001e5-61a8-4938-a27a-f7e6e0aa8989',
  buyerOrganizationId: '4ae922f9-34c1-4df8-bc7d-debe1c8cf89e',
};
const fieldsOf = (over: Partial<ContractFigures>, now = NOW) =>
  contractRuleErrors({ ...VALID, ...over }, now).map((e) => e.field);

describe('contract rules', () => {
  it('accepts a valid contract, the technology amount equal to the contract amount included', () => {
    expect(fieldsOf({})).toEqual([]);
    expect(fieldsOf({ technologyTransactionAmountFen: 300_000_000 })).toEqual([]);
    expect(fieldsOf({ contractAmountFen: 0, technologyTransactionAmountFen: 0 })).toEqual([]);
  });

  it('names each broken rule', () => {
    expect(fieldsOf({ technologyTransactionAmountFen: 300_000_001 })).toEqual([
      'technologyTransactionAmountFen',
    ]);
    expect(fieldsOf({ signedOn: '2027-06-21' })).toEqual(['signedOn']);
    expect(fieldsOf({ signedOn: '2027-02-29' })).toEqual(['signedOn']);
    expect(fieldsOf({ regionCode: '990000' })).toEqual(['regionCode']);
    expect(fieldsOf({ buyerOrganizationId: VALID.sellerOrganizationId.toUpperCase() })).toEqual([
      'buyerOrganizationId',
    ]);
  });

  it('reads today as the Beijing date', () => {
    expect(beijingDate(new Date('2027-06-20T15:59:59Z'))).toBe('2027-06-20');
    expect(beijingDate(new Date('2027-06-20T16:00:00Z'))).toBe('2027-06-21');
    expect(fieldsOf({ signedOn: '2027-06-21' }, new Date('2027-06-20T16:00:00Z'))).toEqual([]);
    expect(beijingYear(new Date('2026-12-31T16:00:00Z'))).toBe(2027);
  });

  it('knows regions by their province prefix and refuses a county under a zero city part', () => {
    for (const code of ['360000', '360100', '360102', '110000', '820000'])
      expect(isKnownRegion(code)).toBe(true);
    for (const code of ['990000', '000000', '360005', '36010', 'abcdef'])
      expect(isKnownRegion(code)).toBe(false);
  });

  it('formats JS-<region>-<year>-<seq> with four digits at least', () => {
    expect(registrationNumber('360100', 2027, 1)).toBe('JS-360100-2027-0001');
    expect(registrationNumber('360100', 2027, 12_345)).toBe('JS-360100-2027-12345');
  });
});

/** The table written out by hand: every state x action, the target or undefined (refused). */
const EXPECTED: Record<ContractStatus, Partial<Record<ContractAction, ContractStatus>>> = {
  draft: { edit: 'draft', submit: 'submitted', withdraw: 'withdrawn' },
  submitted: { register: 'registered', return: 'returned', withdraw: 'withdrawn' },
  returned: { edit: 'returned', submit: 'submitted', withdraw: 'withdrawn' },
  registered: {},
  withdrawn: {},
};

describe('CONTRACT_MACHINE', () => {
  it('creates a draft', () => {
    expect(CONTRACT_MACHINE.initial('create')).toBe('draft');
  });

  it.each(CONTRACT_STATUSES.flatMap((s) => CONTRACT_ACTIONS.map((a) => [s, a] as const)))(
    'from %s, %s',
    (from, action) => {
      const expected = EXPECTED[from][action];
      if (expected) {
        expect(CONTRACT_MACHINE.target(from, action)).toBe(expected);
      } else {
        let error: unknown;
        try {
          CONTRACT_MACHINE.target(from, action);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(DomainError);
        expect((error as DomainError).code).toBe('INVALID_STATE_TRANSITION');
      }
    },
  );
});

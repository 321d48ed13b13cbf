import { StateMachine } from '../../../common/state-machine/state-machine';

/** 技术合同 types: 开发 development, 转让 transfer, 许可 licence, 咨询 consulting, 服务 service. */
export const CONTRACT_TYPES = ['development', 'transfer', 'licence', 'consulting', 'service'] as const;
export type ContractType = (typeof CONTRACT_TYPES)[number];

export const CONTRACT_STATUSES = ['draft', 'submitted', 'registered', 'returned', 'withdrawn'] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];

export const CONTRACT_ACTIONS = ['create', 'edit', 'submit', 'register', 'return', 'withdraw'] as const;
export type ContractAction = (typeof CONTRACT_ACTIONS)[number];

/**
 * A technology contract record (技术合同登记, docs/adr/0061): a party (the seller or the buyer
 * organization) files it, a registrar (a service-centre user with the `registrar` role, or an admin)
 * registers it with the next `JS-<region>-<year>-<seq>` or returns it with a reason. `registered`
 * and `withdrawn` are final.
 */
export const CONTRACT_MACHINE = new StateMachine<ContractStatus, ContractAction>({
  aggregate: 'technology contract',
  states: CONTRACT_STATUSES,
  actions: CONTRACT_ACTIONS,
  transitions: [
    { action: 'create', from: [], to: 'draft', by: 'party', description: 'a new draft of a party' },
    {
      action: 'edit',
      from: ['draft', 'returned'],
      to: 'unchanged',
      by: 'party',
      description: 'change the draft, or correct a returned contract',
    },
    {
      action: 'submit',
      from: ['draft', 'returned'],
      to: 'submitted',
      by: 'party',
      description: 'file it for registration (a returned contract is filed again)',
    },
    {
      action: 'register',
      from: ['submitted'],
      to: 'registered',
      by: 'registrar or admin',
      description: 'register it; assigns the number JS-<region>-<year>-<seq> (no gaps, no duplicates)',
    },
    {
      action: 'return',
      from: ['submitted'],
      to: 'returned',
      by: 'registrar or admin',
      description: 'send it back to the parties with a reason',
    },
    {
      action: 'withdraw',
      from: ['draft', 'submitted', 'returned'],
      to: 'withdrawn',
      by: 'party',
      description: 'withdraw it before registration',
    },
  ],
});

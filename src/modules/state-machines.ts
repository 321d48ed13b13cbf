import type { StateMachine } from '../common/state-machine/state-machine';
import { APPLICATION_MACHINE } from './call/applications/application-status';
import { CHALLENGE_MACHINE } from './call/challenges/challenge-status';
import { ACCEPTANCE_MACHINE } from './delivery/acceptance/acceptance.machine';
import { PAYMENT_MACHINE } from './delivery/payments/payment-status';
import { CHANGE_REQUEST_MACHINE } from './delivery/projects/change-request-status';
import { MILESTONE_MACHINE } from './delivery/projects/milestone-status';
import { PROJECT_MACHINE } from './delivery/projects/project-status';
import { OBJECTION_MACHINE, SELECTION_MACHINE } from './delivery/selection/selection-status';
import { PANEL_MEMBER_MACHINE } from './evaluation/panels/panel-member.machine';
import { REVIEW_ASSIGNMENT_MACHINE } from './evaluation/reviews/review-assignment.machine';
import { REVIEW_PANEL_MACHINE } from './evaluation/reviews/review-panel.machine';
import { SESSION_MACHINE } from './evaluation/sessions/session-status';
import { NEED_MACHINE } from './transfer/needs/needs-status';
import { RESULT_MACHINE, UTILISATION_MACHINE } from './transfer/results/results-status';
import { CONTRACT_MACHINE } from './transfer/contracts/contract-status';
import { MAIL_MESSAGE_MACHINE } from './outreach/mail/mail-message-status';
import { WEBHOOK_DELIVERY_MACHINE } from './outreach/webhooks/webhook-delivery-status';
import { WEBHOOK_SUBSCRIPTION_MACHINE } from './outreach/webhooks/webhook-subscription-status';

export type AnyStateMachine = StateMachine<string, string>;

/**
 * Every state machine of the business layer, by phase in lifecycle order (ADR 40). The 409 test
 * tries every action in every state of each; docs/architecture.md shows their rows
 * (`npm run docs:state-tables` writes them, test/unit/state-machines.spec.ts keeps them current).
 */
export const STATE_MACHINES: ReadonlyArray<{ phase: string; module: string; machine: AnyStateMachine }> = [
  { phase: 'call', module: 'call/challenges', machine: CHALLENGE_MACHINE },
  { phase: 'call', module: 'call/applications', machine: APPLICATION_MACHINE },
  { phase: 'evaluation', module: 'evaluation/reviews', machine: REVIEW_PANEL_MACHINE },
  { phase: 'evaluation', module: 'evaluation/panels', machine: PANEL_MEMBER_MACHINE },
  { phase: 'evaluation', module: 'evaluation/reviews', machine: REVIEW_ASSIGNMENT_MACHINE },
  { phase: 'evaluation', module: 'evaluation/sessions', machine: SESSION_MACHINE },
  { phase: 'delivery', module: 'delivery/selection', machine: SELECTION_MACHINE },
  { phase: 'delivery', module: 'delivery/selection', machine: OBJECTION_MACHINE },
  { phase: 'delivery', module: 'delivery/projects', machine: PROJECT_MACHINE },
  { phase: 'delivery', module: 'delivery/projects', machine: MILESTONE_MACHINE },
  { phase: 'delivery', module: 'delivery/projects', machine: CHANGE_REQUEST_MACHINE },
  { phase: 'delivery', module: 'delivery/payments', machine: PAYMENT_MACHINE },
  { phase: 'delivery', module: 'delivery/acceptance', machine: ACCEPTANCE_MACHINE },
  { phase: 'transfer', module: 'transfer/needs', machine: NEED_MACHINE },
  { phase: 'transfer', module: 'transfer/results', machine: RESULT_MACHINE },
  { phase: 'transfer', module: 'transfer/results', machine: UTILISATION_MACHINE },
  { phase: 'transfer', module: 'transfer/contracts', machine: CONTRACT_MACHINE },
  { phase: 'outreach', module: 'outreach/webhooks', machine: WEBHOOK_SUBSCRIPTION_MACHINE },
  { phase: 'outreach', module: 'outreach/webhooks', machine: WEBHOOK_DELIVERY_MACHINE },
  { phase: 'outreach', module: 'outreach/mail', machine: MAIL_MESSAGE_MACHINE },
];

export const STATE_TABLES_BEGIN = '<!-- state-tables:begin (npm run docs:state-tables writes this part) -->';
export const STATE_TABLES_END = '<!-- state-tables:end -->';

/** The state tables as Markdown, one heading per machine: what docs/architecture.md shows. */
export function renderStateTables(): string {
  const parts: string[] = [];
  for (const { module, machine } of STATE_MACHINES) {
    parts.push(
      `#### ${machine.aggregate} (\`src/modules/${module}\`)`,
      '',
      `States: ${machine.states.map((s) => `\`${s}\``).join(', ')}.`,
      '',
      machine.toMarkdown(),
      '',
    );
  }
  return parts.join('\n');
}

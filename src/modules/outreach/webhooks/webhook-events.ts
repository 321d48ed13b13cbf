import { JsonObject, JsonValue } from '../../../common/json';
import { DeliveredEvent } from '../../../infra/events/domain-event-handler';

/**
 * Who may receive an event (docs/adr/0030):
 * - `public`: the public lifecycle of a challenge (what GET /challenges and the OCDS export show anyway):
 *   every integration key's subscription gets it;
 * - `parties`: an integration key's subscription gets it only when the key's organization is one of
 *   the organizations `parties(data)` names (the issuer, the applicant lead organization).
 * Platform subscriptions (admins, security administrators) get every event type they subscribed to;
 * an organization's subscription (its user manager's or one of its keys') is matched in
 * webhook-audience.ts (ADR 0047).
 */
export type WebhookAudience = 'public' | 'parties';
export type WebhookPartyRole = 'issuer' | 'lead' | 'holder';

export interface WebhookEventDefinition {
  audience: WebhookAudience;
  /** The organizations the event concerns (for `parties` events). */
  parties: (data: JsonObject) => string[];
  /**
   * What those organizations are to the challenge: its issuer, the lead organization of an application on it.
   * An integration key whose organization can be neither never receives the event.
   */
  partyRoles: readonly WebhookPartyRole[];
  /** The fields of the outbox event's data a subscriber receives: an explicit list, never the raw row. */
  fields: readonly string[];
  /** What it says, for the OpenAPI description. */
  description: string;
}

const LIST = ['challengeId', 'code', 'title'] as const;
const CHALLENGE_PUBLIC = [
  ...LIST,
  'issuerOrganizationId',
  'programId',
  'status',
  'opensAt',
  'closesAt',
  'totalFen',
  'fiscalFen',
  'version',
] as const;
const PROJECT = ['projectId', 'challengeId', 'challengeCode', 'applicationId', 'status'] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const none = (): string[] => [];
const orgs =
  (...keys: string[]) =>
  (data: JsonObject): string[] =>
    keys.map((key) => data[key]).filter((v): v is string => typeof v === 'string' && UUID.test(v));

const issuer = orgs('issuerOrganizationId');
const enterprise = orgs('enterpriseOrganizationId');
const enterpriseAndInterested = orgs('enterpriseOrganizationId', 'interestedOrganizationId');
/** A need's public facts: never its confidential details, never the organization of an anonymous need. */
const NEED_PUBLIC = [
  'needId',
  'title',
  'status',
  'industryChain',
  'regionCode',
  'budgetMinFen',
  'budgetMaxFen',
  'publicEnterpriseOrganizationId',
  'expiresAt',
] as const;
const NEED_PARTY = [
  'needId',
  'title',
  'status',
  'industryChain',
  'regionCode',
  'centreOrganizationId',
] as const;
const issuerAndLead = orgs('issuerOrganizationId', 'leadOrganizationId');
const lead = orgs('leadOrganizationId');
const contractParties = orgs('sellerOrganizationId', 'buyerOrganizationId');
const CONTRACT = [
  'contractId',
  'title',
  'type',
  'status',
  'contractAmountFen',
  'technologyTransactionAmountFen',
  'signedOn',
  'regionCode',
  'industryChain',
] as const;
const holder = orgs('organizationId');

/** What every result event says of its result: the public fields, never the confidential details. */
const RESULT = [
  'resultId',
  'title',
  'type',
  'industryChain',
  'status',
  'source',
  'organizationId',
  'trlClaimed',
  'verifiedTrl',
  'transferModes',
  'projectId',
  'challengeId',
  'version',
] as const;
const UTILISATION = [
  'resultId',
  'title',
  'organizationId',
  'projectId',
  'utilisationReportId',
  'year',
  'status',
  'dueAt',
] as const;

/**
 * The event types of API.md "Webhook events", each with its audience and its data. Fields left out
 * on purpose: confidential details of a challenge, applicants' identities where the issuer reads them (blind
 * review), expert scores and panels, objectors, the reasons the public detail of a challenge hides.
 */
export const WEBHOOK_EVENTS = {
  'challenge.published': {
    audience: 'public',
    parties: none,
    partyRoles: [],
    fields: CHALLENGE_PUBLIC,
    description: 'A challenge passed vetting and is published (its public part)',
  },
  'challenge.amended': {
    audience: 'public',
    parties: none,
    partyRoles: [],
    fields: [...CHALLENGE_PUBLIC, 'amendmentId', 'amendmentNumber', 'reason', 'changedFields'],
    description: 'A published challenge was amended (the amendment is public)',
  },
  'challenge.closed': {
    audience: 'public',
    parties: none,
    partyRoles: [],
    fields: CHALLENGE_PUBLIC,
    description: 'The application window of a challenge closed',
  },
  'challenge.awarded': {
    audience: 'public',
    parties: none,
    partyRoles: [],
    fields: [...LIST, 'issuerOrganizationId', 'selectionId', 'applicationIds', 'projectIds'],
    description: 'The publicity period ended: the award is final and the projects exist',
  },
  'challenge.unsuccessful': {
    audience: 'public',
    parties: none,
    partyRoles: [],
    fields: [...LIST, 'issuerOrganizationId'],
    description: 'No application passed (流榜); the reason is not public and not sent',
  },
  'selection.publicized': {
    audience: 'public',
    parties: none,
    partyRoles: [],
    fields: [...LIST, 'issuerOrganizationId', 'selectionId', 'applicationIds', 'publicityEndsAt'],
    description: 'The selected applications are in publicity (公示) until publicityEndsAt',
  },
  'application.submitted': {
    audience: 'parties',
    parties: issuerAndLead,
    partyRoles: ['issuer', 'lead'],
    fields: ['applicationId', 'challengeId', 'challengeCode', 'status'],
    description:
      'An application was submitted (to the issuer and the applicant organization; no applicant identity)',
  },
  'application.formal_checked': {
    audience: 'parties',
    parties: lead,
    partyRoles: ['lead'],
    fields: ['applicationId', 'challengeId', 'challengeCode', 'status', 'outcome', 'reason'],
    description: 'The formal check of an application decided (to the applicant organization only)',
  },
  'review.completed': {
    audience: 'parties',
    parties: issuer,
    partyRoles: ['issuer'],
    fields: [...LIST, 'panelId', 'closedAt', 'passLine'],
    description: 'The expert review of a challenge closed (to the issuer; no scores)',
  },
  'objection.lodged': {
    audience: 'parties',
    parties: issuer,
    partyRoles: ['issuer'],
    fields: [...LIST, 'objectionId', 'selectionId'],
    description: 'An objection to the publicity was lodged (to the issuer; no objector)',
  },
  'project.activated': {
    audience: 'parties',
    parties: issuerAndLead,
    partyRoles: ['issuer', 'lead'],
    fields: [...PROJECT, 'activatedAt', 'fiscalFen', 'issuerFen'],
    description: 'The task book was signed by all three parties: the project is active',
  },
  'milestone.submitted': {
    audience: 'parties',
    parties: issuerAndLead,
    partyRoles: ['issuer', 'lead'],
    fields: [...PROJECT, 'milestoneId', 'position', 'title', 'reportId', 'attempt'],
    description: 'A progress report of a milestone was submitted',
  },
  'milestone.assessed': {
    audience: 'parties',
    parties: issuerAndLead,
    partyRoles: ['issuer', 'lead'],
    fields: [...PROJECT, 'milestoneId', 'position', 'title', 'outcome', 'assessmentId'],
    description: 'A milestone was assessed (passed, conditionally passed or failed)',
  },
  'payment.paid': {
    audience: 'parties',
    parties: issuerAndLead,
    partyRoles: ['issuer', 'lead'],
    fields: [
      'paymentId',
      'projectId',
      'challengeId',
      'code',
      'payer',
      'kind',
      'sequence',
      'amountFen',
      'milestonePosition',
      'paidAt',
    ],
    description: 'A tranche was paid',
  },
  'acceptance.decided': {
    audience: 'parties',
    parties: issuerAndLead,
    partyRoles: ['issuer', 'lead'],
    fields: [
      'acceptanceId',
      'projectId',
      'challengeId',
      'code',
      'outcome',
      'status',
      'exemption',
      'conditionsDueAt',
      'projectStatus',
    ],
    description: 'The acceptance (验收) of a project was decided',
  },
  'project.terminated': {
    audience: 'parties',
    parties: issuerAndLead,
    partyRoles: ['issuer', 'lead'],
    fields: [...PROJECT, 'reason', 'releasedFiscalFen', 'releasedIssuerFen', 'byStageGate'],
    description: 'A project was terminated; its unpaid tranches are cancelled',
  },
  'need.filed': {
    audience: 'parties',
    parties: enterprise,
    partyRoles: ['issuer'],
    fields: NEED_PARTY,
    description: 'A need was filed and routed to a service centre (to the enterprise)',
  },
  'need.refined': {
    audience: 'public',
    parties: none,
    partyRoles: [],
    fields: NEED_PUBLIC,
    description:
      'A need was refined by its broker and is public (publicEnterpriseOrganizationId is null for an anonymous need)',
  },
  'need.returned': {
    audience: 'parties',
    parties: enterprise,
    partyRoles: ['issuer'],
    fields: [...NEED_PARTY, 'reason'],
    description: 'A need was returned to the enterprise with a reason',
  },
  'need.listed': {
    audience: 'parties',
    parties: enterprise,
    partyRoles: ['issuer'],
    fields: [...NEED_PARTY, 'challengeId'],
    description:
      'A need became a draft challenge list of the enterprise (to the enterprise: the list names it, so the link is not public)',
  },
  'need.expired': {
    audience: 'parties',
    parties: enterprise,
    partyRoles: ['issuer'],
    fields: [...NEED_PARTY, 'expiresAt'],
    description: 'A need expired without renewal (to the enterprise)',
  },
  'introduction.made': {
    audience: 'parties',
    parties: enterpriseAndInterested,
    partyRoles: ['issuer', 'lead'],
    fields: ['needId', 'title', 'introductionId', 'interestId', 'interestedOrganizationId'],
    description: 'A broker introduced an interested party to the enterprise of a need (to both)',
  },
  'match.found': {
    audience: 'parties',
    parties: enterprise,
    partyRoles: ['issuer'],
    fields: ['needId', 'resultId', 'score', 'title'],
    description:
      'A published result matches an open public need above the alert threshold (to the enterprise; once per pair)',
  },
  'contract.submitted': {
    audience: 'parties',
    parties: contractParties,
    partyRoles: ['issuer', 'lead'],
    fields: [...CONTRACT, 'sellerOrganizationId', 'buyerOrganizationId'],
    description: 'A technology contract was filed for registration (to its seller and buyer organizations)',
  },
  'contract.returned': {
    audience: 'parties',
    parties: contractParties,
    partyRoles: ['issuer', 'lead'],
    fields: [...CONTRACT, 'sellerOrganizationId', 'buyerOrganizationId', 'reason'],
    description:
      'The registrar returned a technology contract with a reason (to its seller and buyer organizations)',
  },
  'contract.registered': {
    audience: 'public',
    parties: none,
    partyRoles: [],
    fields: [...CONTRACT, 'registrationNumber', 'registeredAt', 'resultId'],
    description:
      'A technology contract was registered (技术合同登记): its public figures, never the parties (they may be confidential), the broker or any person',
  },
  'result.drafted': {
    audience: 'parties',
    parties: holder,
    partyRoles: ['holder'],
    fields: [...RESULT, 'acceptanceId'],
    description:
      'A passed acceptance drafted a result into the results library (成果库), with its verified TRL',
  },
  'result.submitted': {
    audience: 'parties',
    parties: holder,
    partyRoles: ['holder'],
    fields: RESULT,
    description: 'A result was sent to vetting',
  },
  'result.published': {
    audience: 'public',
    parties: none,
    partyRoles: [],
    fields: [...RESULT, 'publishedAt'],
    description: 'A result was published in the results library',
  },
  'result.returned': {
    audience: 'parties',
    parties: holder,
    partyRoles: ['holder'],
    fields: [...RESULT, 'reason'],
    description: 'A submitted result was returned to its holder with a reason',
  },
  'result.withdrawn': {
    audience: 'parties',
    parties: holder,
    partyRoles: ['holder'],
    fields: RESULT,
    description: 'A result was withdrawn by its holder',
  },
  'result.utilisation_requested': {
    audience: 'parties',
    parties: holder,
    partyRoles: ['holder'],
    fields: UTILISATION,
    description: 'The yearly utilisation report of a result of an accepted project is asked of its holder',
  },
  'result.utilisation_reported': {
    audience: 'parties',
    parties: holder,
    partyRoles: ['holder'],
    fields: [...UTILISATION, 'used', 'kinds'],
    description: 'The holder filed a utilisation report',
  },
  'result.utilisation_overdue': {
    audience: 'parties',
    parties: holder,
    partyRoles: ['holder'],
    fields: UTILISATION,
    description: 'A utilisation report was not filed by its due date',
  },
} as const satisfies Record<string, WebhookEventDefinition>;

export type WebhookEventType = keyof typeof WEBHOOK_EVENTS;
export const WEBHOOK_EVENT_TYPES = Object.keys(WEBHOOK_EVENTS) as WebhookEventType[];

export function isWebhookEventType(type: string): type is WebhookEventType {
  return Object.prototype.hasOwnProperty.call(WEBHOOK_EVENTS, type);
}

/**
 * What a subscriber can ever receive, by type: the platform (admins, security administrators) every
 * type; an organization the public types, and the `parties` types whose party roles it can hold
 * (none for a key acting for no organization).
 */
export type WebhookSubscriber =
  { kind: 'platform' } | { kind: 'organization'; roles: ReadonlySet<WebhookPartyRole> };

export function receivableEventTypes(subscriber: WebhookSubscriber): WebhookEventType[] {
  return WEBHOOK_EVENT_TYPES.filter((type) => {
    const definition = webhookEvent(type);
    if (subscriber.kind === 'platform' || definition.audience === 'public') return true;
    return definition.partyRoles.some((role) => subscriber.roles.has(role));
  });
}

/** The definition of a type (typed loosely, for code that handles every type alike). */
export function webhookEvent(type: WebhookEventType): WebhookEventDefinition {
  return WEBHOOK_EVENTS[type];
}

/** The `data` a subscriber receives: only the listed fields, absent ones as null. */
export function webhookData(type: WebhookEventType, data: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const field of webhookEvent(type).fields) {
    const value: JsonValue | undefined = data[field];
    out[field] = value === undefined ? null : value;
  }
  return out;
}

/** The body of every attempt of a delivery: `{ id, type, createdAt, data }` (the event's id and time). */
export function webhookBody(event: DeliveredEvent & { type: WebhookEventType }): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    createdAt: event.occurredAt.toISOString(),
    data: webhookData(event.type, event.data),
  });
}

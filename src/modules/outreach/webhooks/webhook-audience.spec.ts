import { audienceOf, receives, SubscriberScope, subscriptionScope } from './webhook-audience';
import { receivableEventTypes, WEBHOOK_EVENT_TYPES, WEBHOOK_EVENTS } from './webhook-events';
import type { WebhookEventType } from './webhook-events';

const ISSUER = '6f1c2a9e-0d4b-4c1e-9a51-3f8e2b7d4c10';
const LEAD = '0b7d9f3a-52c8-4e61-8d2f-7a4c1e9b5d22';
const OTHER = '3c9e7a1b-4d2f-4b8e-9c6a-1e5d7f3b2a44';
const HOLDER = '7a2d4e6f-8b1c-4d3e-9f5a-2b4c6d8e0f13';
const DATA = {
  issuerOrganizationId: ISSUER,
  leadOrganizationId: LEAD,
  // A need's enterprise is the issuer party; the organization interested in it, the lead party.
  enterpriseOrganizationId: ISSUER,
  interestedOrganizationId: LEAD,
  // A technology contract between the two: the seller is the lead, the buyer the issuer.
  sellerOrganizationId: LEAD,
  buyerOrganizationId: ISSUER,
  // A result's holder.
  organizationId: HOLDER,
};

const platform: SubscriberScope = { kind: 'platform' };
const publicOnly: SubscriberScope = { kind: 'public' };
const org = (organizationId: string): SubscriberScope => ({ kind: 'organization', organizationId });

/** Who of (issuer, lead, other organization) receives an event of the type about ISSUER and LEAD. */
function whoReceives(type: WebhookEventType): string[] {
  const audience = audienceOf(type, DATA);
  return (
    [
      ['issuer', org(ISSUER)],
      ['lead', org(LEAD)],
      ['other', org(OTHER)],
      ['holder', org(HOLDER)],
    ] as const
  )
    .filter(([, scope]) => receives(scope, audience))
    .map(([name]) => name);
}

describe('webhook audience (ADR 0047): which subscription receives which event', () => {
  it('decides per event type: public events everyone, party events only the organizations concerned', () => {
    const table = Object.fromEntries(WEBHOOK_EVENT_TYPES.map((type) => [type, whoReceives(type)]));
    expect(table).toEqual({
      'challenge.published': ['issuer', 'lead', 'other', 'holder'],
      'challenge.amended': ['issuer', 'lead', 'other', 'holder'],
      'challenge.closed': ['issuer', 'lead', 'other', 'holder'],
      'challenge.awarded': ['issuer', 'lead', 'other', 'holder'],
      'challenge.unsuccessful': ['issuer', 'lead', 'other', 'holder'],
      'selection.publicized': ['issuer', 'lead', 'other', 'holder'],
      'application.submitted': ['issuer', 'lead'],
      'application.formal_checked': ['lead'],
      'review.completed': ['issuer'],
      'objection.lodged': ['issuer'],
      'project.activated': ['issuer', 'lead'],
      'milestone.submitted': ['issuer', 'lead'],
      'milestone.assessed': ['issuer', 'lead'],
      'payment.paid': ['issuer', 'lead'],
      'acceptance.decided': ['issuer', 'lead'],
      'project.terminated': ['issuer', 'lead'],
      'need.filed': ['issuer'],
      'need.refined': ['issuer', 'lead', 'other', 'holder'],
      'need.returned': ['issuer'],
      'need.listed': ['issuer'],
      'need.expired': ['issuer'],
      'introduction.made': ['issuer', 'lead'],
      'match.found': ['issuer'],
      'contract.submitted': ['issuer', 'lead'],
      'contract.returned': ['issuer', 'lead'],
      'contract.registered': ['issuer', 'lead', 'other', 'holder'],
      'result.drafted': ['holder'],
      'result.submitted': ['holder'],
      'result.published': ['issuer', 'lead', 'other', 'holder'],
      'result.returned': ['holder'],
      'result.withdrawn': ['holder'],
      'result.utilisation_requested': ['holder'],
      'result.utilisation_reported': ['holder'],
      'result.utilisation_overdue': ['holder'],
    });
  });

  it("sends payment.paid to the project's issuer, never to another organization's subscription", () => {
    const paidForOther = audienceOf('payment.paid', {
      issuerOrganizationId: OTHER,
      leadOrganizationId: LEAD,
    });
    expect(receives(org(ISSUER), paidForOther)).toBe(false);
    expect(receives(org(OTHER), paidForOther)).toBe(true);
    // Without organizations in the data a party event reaches no organization at all.
    expect(receives(org(ISSUER), audienceOf('payment.paid', {}))).toBe(false);
    expect(receives(org(ISSUER), audienceOf('payment.paid', { issuerOrganizationId: 'x' }))).toBe(false);
  });

  it('gives the platform every event and a key without an organization the public ones only', () => {
    for (const type of WEBHOOK_EVENT_TYPES) {
      const audience = audienceOf(type, DATA);
      expect(receives(platform, audience)).toBe(true);
      expect(receives(publicOnly, audience)).toBe(WEBHOOK_EVENTS[type].audience === 'public');
    }
  });

  it('reads the scope of a stored subscription from its organization and owner', () => {
    expect(subscriptionScope({ organizationId: ISSUER, ownerUserId: 'u' })).toEqual(org(ISSUER));
    expect(subscriptionScope({ organizationId: ISSUER, ownerUserId: null })).toEqual(org(ISSUER));
    expect(subscriptionScope({ organizationId: null, ownerUserId: 'u' })).toEqual(platform);
    expect(subscriptionScope({ organizationId: null, ownerUserId: null })).toEqual(publicOnly);
  });

  it('agrees with what each role can subscribe to: a receivable type is one some event can bring', () => {
    const publicTypes = receivableEventTypes({ kind: 'organization', roles: new Set() });
    const issuerTypes = receivableEventTypes({ kind: 'organization', roles: new Set(['issuer']) });
    const leadTypes = receivableEventTypes({ kind: 'organization', roles: new Set(['lead']) });
    const holderTypes = receivableEventTypes({ kind: 'organization', roles: new Set(['holder']) });
    expect(receivableEventTypes({ kind: 'platform' })).toEqual(WEBHOOK_EVENT_TYPES);
    for (const type of WEBHOOK_EVENT_TYPES) {
      const who = whoReceives(type);
      expect(publicTypes.includes(type)).toBe(who.includes('other'));
      expect(issuerTypes.includes(type)).toBe(who.includes('issuer'));
      expect(leadTypes.includes(type)).toBe(who.includes('lead'));
      expect(holderTypes.includes(type)).toBe(who.includes('holder'));
    }
    expect(leadTypes).not.toContain('review.completed');
    expect(leadTypes).not.toContain('objection.lodged');
    expect(issuerTypes).not.toContain('application.formal_checked');
  });
});

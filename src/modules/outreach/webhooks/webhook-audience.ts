import type { JsonObject } from '../../../common/json';
import { webhookEvent } from './webhook-events';
import type { WebhookEventType } from './webhook-events';

/**
 * Whom a subscription stands for (ADR 0047), fixed when it is created:
 * - `platform`: an admin's or a security administrator's — every event of the types it asked for;
 * - `organization`: an organization's, made by its user manager or by one of its API keys — the
 *   public events, and the party events that name its organization (never another's);
 * - `public`: an API key acting for no organization — the public events only.
 */
export type SubscriberScope =
  { kind: 'platform' } | { kind: 'organization'; organizationId: string } | { kind: 'public' };

/** Who an event is for: every subscriber (a public event), or the organizations it names. */
export interface EventAudience {
  public: boolean;
  organizations: readonly string[];
}

/**
 * The one relevance decision per event type: public events are everyone's; a party event concerns
 * the organizations its definition names (webhook-events.ts: the issuer of the challenge or project,
 * the lead organization of the application or project where that is not confidential).
 */
export function audienceOf(type: WebhookEventType, data: JsonObject): EventAudience {
  const definition = webhookEvent(type);
  if (definition.audience === 'public') return { public: true, organizations: [] };
  return { public: false, organizations: definition.parties(data) };
}

/** Whether a subscription of this scope receives an event of this audience. */
export function receives(scope: SubscriberScope, audience: EventAudience): boolean {
  switch (scope.kind) {
    case 'platform':
      return true;
    case 'public':
      return audience.public;
    case 'organization':
      return audience.public || audience.organizations.includes(scope.organizationId);
  }
}

/**
 * The scope of a stored subscription: the organization it was made for; else the platform's when a
 * person (an admin) owns it, or public-only when a key acting for no organization owns it.
 */
export function subscriptionScope(subscription: {
  organizationId: string | null;
  ownerUserId: string | null;
}): SubscriberScope {
  if (subscription.organizationId) {
    return { kind: 'organization', organizationId: subscription.organizationId };
  }
  return subscription.ownerUserId ? { kind: 'platform' } : { kind: 'public' };
}

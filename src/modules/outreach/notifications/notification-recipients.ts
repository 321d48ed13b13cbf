import { EntityManager } from 'typeorm';
import { DeliveredEvent } from '../../../infra/events/domain-event-handler';
import { text } from './notification-format';
import { NotificationRecipientsRepository as recipients } from './notification-recipients.repository';

/** Who an event concerns, found inside the handler's transaction. */
export type Recipients = (event: DeliveredEvent, em: EntityManager) => Promise<string[]>;

export interface NotificationRule {
  /** The outbox event type. */
  event: string;
  recipients: Recipients;
  title: (event: DeliveredEvent) => string;
  body: (event: DeliveredEvent) => string;
}

function idsIn(event: DeliveredEvent, key: string): unknown[] {
  const ids = event.data[key];
  if (!Array.isArray(ids)) throw new Error(`Event data has no "${key}"`);
  return ids;
}

/** The user whose id is `data[key]`. */
export const userIn =
  (key: string): Recipients =>
  async (event) => [text(event.data, key)];

/** Every enabled user of the organization whose id is `data[key]`. */
export const enabledUsersOfOrganization =
  (key: string): Recipients =>
  (event, em) =>
    recipients.enabledUsersOfOrganization(em, text(event.data, key));

/** Every enabled user of the organizations in `data[key]` (an array of ids; none or missing: nobody). */
export const enabledUsersOfOrganizationsIn =
  (key: string): Recipients =>
  async (event, em) => {
    const ids = event.data[key];
    if (!Array.isArray(ids) || !ids.length) return [];
    return recipients.enabledUsersOfOrganizations(em, ids);
  };

/** Every enabled user with the role (admins are told of challenges waiting for vetting). */
export const enabledUsersWithRole =
  (role: string): Recipients =>
  (_event, em) =>
    recipients.enabledUsersWithRole(em, role);

/**
 * The people following the challenge `data[key]`: its watchers, those who made its undertaking, and
 * the members of every organization with an application on it (draft or submitted, not withdrawn).
 */
export const followersOfChallenge =
  (key: string): Recipients =>
  (event, em) =>
    recipients.followersOfChallenge(em, text(event.data, key));

/** Those a reminder before closing is for: the watchers of challenge `data[key]` and the holders of its draft applications. */
export const watchersAndDraftHolders =
  (key: string): Recipients =>
  (event, em) =>
    recipients.watchersAndDraftHolders(em, text(event.data, key));

/**
 * Every enabled user of the lead organization of the application whose id is `data[key]`: events
 * that reach the issuer's users too name the application by id, never by its organization (blind programs).
 */
export const enabledUsersOfApplicantOrganization =
  (key: string): Recipients =>
  (event, em) =>
    recipients.enabledUsersOfApplicationOrganization(em, text(event.data, key));

/** Every enabled user of the lead organizations of the applications in `data[key]` (an array of ids). */
export const usersOfApplicationsIn =
  (key: string): Recipients =>
  (event, em) =>
    recipients.enabledUsersOfApplicationsIn(em, idsIn(event, key));

/**
 * Every enabled user of the lead organizations of the applications on challenge `data[challengeKey]`
 * that were in the running (submitted, not withdrawn) and are not among those in
 * `data[selectedKey]`: the applicants a selection passed over.
 */
export const usersOfOtherApplications =
  (challengeKey: string, selectedKey: string): Recipients =>
  (event, em) =>
    recipients.enabledUsersOfOtherApplications(em, text(event.data, challengeKey), idsIn(event, selectedKey));

/** The admin who owns the webhook subscription, or the admin who created the owning integration key. */
export const webhookOwners: Recipients = (event, em) =>
  recipients.enabledWebhookOwners(em, event.data.ownerUserId, event.data.ownerApiKeyId);

/** Everyone any of the recipient lists names, once. */
export const anyOf =
  (...lists: Recipients[]): Recipients =>
  async (event, em) => {
    const ids = new Set<string>();
    for (const list of lists) for (const id of await list(event, em)) ids.add(id);
    return [...ids];
  };

/** The issuer organization's users, of a challenge event. */
export const issuerOrg = enabledUsersOfOrganization('issuerOrganizationId');
/** The followers of a challenge event's challenge. */
export const followers = followersOfChallenge('challengeId');

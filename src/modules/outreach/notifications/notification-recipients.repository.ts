import type { EntityManager } from 'typeorm';

/**
 * The reads behind "who is told": users of organizations, of roles, of a challenge's followers and
 * of applications, inside the event handler's transaction. Outreach is the top layer, so it may read
 * the tables of the modules below it, here and only here. Every answer is a list of user ids.
 */
async function ids(em: EntityManager, sql: string, params: unknown[], column = 'id'): Promise<string[]> {
  const rows: Array<Record<string, string>> = await em.query(sql, params);
  return rows.map((r) => r[column]);
}

export const NotificationRecipientsRepository = {
  enabledUsersOfOrganization(em: EntityManager, organizationId: string): Promise<string[]> {
    return ids(em, `SELECT id FROM users WHERE organization_id = $1 AND enabled ORDER BY id`, [
      organizationId,
    ]);
  },

  enabledUsersOfOrganizations(em: EntityManager, organizationIds: unknown[]): Promise<string[]> {
    return ids(em, `SELECT id FROM users WHERE organization_id = ANY($1::uuid[]) AND enabled ORDER BY id`, [
      organizationIds,
    ]);
  },

  enabledUsersWithRole(em: EntityManager, role: string): Promise<string[]> {
    return ids(em, `SELECT id FROM users WHERE enabled AND $1 = ANY(roles) ORDER BY id`, [role]);
  },

  /** Watchers, undertaking signers and members of organizations with a live application. */
  followersOfChallenge(em: EntityManager, challengeId: string): Promise<string[]> {
    return ids(
      em,
      `SELECT w.user_id FROM challenge_watchers w JOIN users u ON u.id = w.user_id
       WHERE w.challenge_id = $1 AND u.enabled
       UNION
       SELECT n.user_id FROM challenge_ndas n JOIN users u ON u.id = n.user_id
       WHERE n.challenge_id = $1 AND u.enabled
       UNION
       SELECT u.id FROM applications a JOIN users u ON u.organization_id = a.lead_organization_id
       WHERE a.challenge_id = $1 AND a.status <> 'withdrawn' AND u.enabled`,
      [challengeId],
      'user_id',
    );
  },

  /** Watchers, and the creators and leaders of draft applications. */
  async watchersAndDraftHolders(em: EntityManager, challengeId: string): Promise<string[]> {
    const found = await ids(
      em,
      `SELECT w.user_id FROM challenge_watchers w JOIN users u ON u.id = w.user_id
       WHERE w.challenge_id = $1 AND u.enabled
       UNION
       SELECT u.id FROM applications a JOIN users u ON u.id IN (a.created_by, a.leader_user_id)
       WHERE a.challenge_id = $1 AND a.status = 'draft' AND u.enabled`,
      [challengeId],
      'user_id',
    );
    return found.sort();
  },

  enabledUsersOfApplicationOrganization(em: EntityManager, applicationId: string): Promise<string[]> {
    return ids(
      em,
      `SELECT u.id FROM applications a JOIN users u ON u.organization_id = a.lead_organization_id
       WHERE a.id = $1 AND u.enabled ORDER BY u.id`,
      [applicationId],
    );
  },

  enabledUsersOfApplicationsIn(em: EntityManager, applicationIds: unknown[]): Promise<string[]> {
    return ids(
      em,
      `SELECT DISTINCT u.id FROM applications a JOIN users u ON u.organization_id = a.lead_organization_id
       WHERE a.id = ANY($1) AND u.enabled ORDER BY u.id`,
      [applicationIds],
    );
  },

  /** Users of the lead organizations of the challenge's submitted applications not in `selected`. */
  enabledUsersOfOtherApplications(
    em: EntityManager,
    challengeId: string,
    selected: unknown[],
  ): Promise<string[]> {
    return ids(
      em,
      `SELECT DISTINCT u.id FROM applications a JOIN users u ON u.organization_id = a.lead_organization_id
       WHERE a.challenge_id = $1 AND a.status NOT IN ('draft', 'withdrawn') AND a.id <> ALL($2::uuid[])
         AND u.enabled ORDER BY u.id`,
      [challengeId, selected],
    );
  },

  /** The owning user, or the creator of the owning API key, if enabled. */
  enabledWebhookOwners(em: EntityManager, ownerUserId: unknown, ownerApiKeyId: unknown): Promise<string[]> {
    return ids(
      em,
      `SELECT id FROM users WHERE enabled
         AND (id = $1::uuid OR id = (SELECT created_by FROM api_keys WHERE id = $2::uuid))
       ORDER BY id`,
      [ownerUserId ?? null, ownerApiKeyId ?? null],
    );
  },
};

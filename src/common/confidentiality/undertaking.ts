import { EntityManager } from 'typeorm';
import type { AuditService } from '../audit/audit.service';
import type { UserPrincipal } from '../auth/principal';

/**
 * Where one kind of subject (a challenge, a need, a result) keeps its non-disclosure undertakings
 * (保密承诺) and how recording one is audited. The table holds one row per (subject, person):
 * `<keyColumn>`, `user_id`, `organization_id`, `accepted_at`, unique on the first two.
 */
export interface UndertakingGate {
  table: `${string}_ndas`;
  keyColumn: `${string}_id`;
  /** The audit action of a new undertaking, e.g. `challenge.nda_accepted`. */
  auditAction: string;
  /** The audit object type: the subject's entity name. */
  objectType: string;
}

/** One person's undertaking for one subject, as the callers answer it. */
export interface Undertaking {
  userId: string;
  organizationId: string;
  acceptedAt: Date;
}

const IDENTIFIER = /^[a-z][a-z_]*$/;

function assertIdentifiers(gate: UndertakingGate): void {
  for (const name of [gate.table, gate.keyColumn]) {
    if (!IDENTIFIER.test(name)) throw new Error(`Not an undertaking table or column: ${name}`);
  }
}

/**
 * Records `user`'s undertaking for the subject `subjectId` once, inside the caller's transaction `em`:
 * the first call inserts the row at `at` and writes the audit event (after: who, for which
 * organization, when); a repeat changes nothing and answers the first record.
 */
export async function recordUndertaking(
  em: EntityManager,
  audit: AuditService,
  gate: UndertakingGate,
  subjectId: string,
  user: UserPrincipal,
  at: Date,
): Promise<Undertaking> {
  assertIdentifiers(gate);
  const inserted = await em.query<unknown[]>(
    `INSERT INTO ${gate.table} (${gate.keyColumn}, user_id, organization_id, accepted_at)
     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING user_id`,
    [subjectId, user.userId, user.organizationId, at],
  );
  if (inserted.length === 1) {
    const undertaking = { userId: user.userId, organizationId: user.organizationId, acceptedAt: at };
    await audit.record(em, {
      actor: user,
      action: gate.auditAction,
      objectType: gate.objectType,
      objectId: subjectId,
      after: { ...undertaking, acceptedAt: at.toISOString() },
    });
    return undertaking;
  }
  const [existing] = await em.query<Array<{ user_id: string; organization_id: string; accepted_at: Date }>>(
    `SELECT user_id, organization_id, accepted_at FROM ${gate.table} WHERE ${gate.keyColumn} = $1 AND user_id = $2`,
    [subjectId, user.userId],
  );
  if (!existing) throw new Error('The undertaking vanished');
  return {
    userId: existing.user_id,
    organizationId: existing.organization_id,
    acceptedAt: existing.accepted_at,
  };
}

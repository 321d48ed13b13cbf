import { isAdmin, Principal } from '../../../common/auth/principal';
import type { ChallengeEntity } from './entities/challenge.entity';

/** What visibility reads of a challenge (an entity, or a row of the hot reads mapped to these names). */
export type Visible = Pick<ChallengeEntity, 'publishedAt' | 'issuerOrganizationId'>;

/** The issuer organization's members and admins: they see the challenge in every state. */
export function isPrivileged(actor: Principal | undefined, challenge: Visible): boolean {
  if (!actor) return false;
  return isAdmin(actor) || (actor.kind === 'user' && actor.organizationId === challenge.issuerOrganizationId);
}

/** Whether the caller may see the challenge at all: published ones are public. */
export function canSee(actor: Principal | undefined, challenge: Visible): boolean {
  return challenge.publishedAt !== null || isPrivileged(actor, challenge);
}

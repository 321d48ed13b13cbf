import type { Principal } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import type { JsonObject } from '../../../common/json';
import type { ChallengeEntity } from '../../call/challenges/entities/challenge.entity';
import type { ObjectionEntity, ObjectionStatus } from './entities/objection.entity';
import type { SelectionEntity } from './entities/selection.entity';

export const PUBLICITY_END_DEADLINE = 'challenge.publicity_end';
/** Reminders before the end of publicity (kind `challenge.publicity_end_reminder@<h>h`). */
export const PUBLICITY_END_REMINDER = 'challenge.publicity_end_reminder';

export const SELECTION_EVENTS = {
  publicized: 'selection.publicized',
  publicityEnding: 'selection.publicity_ending',
  reopened: 'selection.reopened',
  unsuccessful: 'challenge.unsuccessful',
  awarded: 'challenge.awarded',
  objectionLodged: 'objection.lodged',
  objectionDecided: 'objection.decided',
} as const;

/** The audit actions of the selection module. */
export const SELECTION_AUDIT = {
  publicized: 'selection.publicized',
  reopened: 'selection.reopened',
  unsuccessful: 'challenge.unsuccessful',
  awarded: 'challenge.awarded',
  objectionLodged: 'objection.lodged',
  objectionDecided: 'objection.decided',
} as const;

export interface PublicityNotice {
  challengeId: string;
  code: string | null;
  title: string;
  status: string;
  publicityStartsAt: string;
  publicityEndsAt: string;
  selected: Array<{
    applicationId: string;
    teamName: string;
    leadOrganizationName: string;
    score: number | null;
    rank: number;
  }>;
  objectionCount: number;
}

export interface ObjectionView {
  id: string;
  challengeId: string;
  selectionId: string;
  grounds: string;
  status: ObjectionStatus;
  decisionReason: string | null;
  decidedAt: string | null;
  createdAt: string;
  version: number;
}

export interface ChallengeStateView {
  id: string;
  status: string;
  version: number;
  selectionId: string | null;
  publicityEndsAt: string | null;
}

export function userIdOf(actor: Principal): string {
  if (actor.kind !== 'user') throw new DomainError('FORBIDDEN', 'Only a user may do this');
  return actor.userId;
}

export function challengeStateView(
  challenge: ChallengeEntity,
  selection: SelectionEntity | null,
): ChallengeStateView {
  return {
    id: challenge.id,
    status: challenge.status,
    version: challenge.version,
    selectionId: selection?.id ?? null,
    publicityEndsAt: selection?.publicityEndsAt.toISOString() ?? null,
  };
}

export function objectionView(o: ObjectionEntity): ObjectionView {
  return {
    id: o.id,
    challengeId: o.challengeId,
    selectionId: o.selectionId,
    grounds: o.grounds,
    status: o.status,
    decisionReason: o.decisionReason,
    decidedAt: o.decidedAt?.toISOString() ?? null,
    createdAt: o.createdAt.toISOString(),
    version: o.version,
  };
}

/** What every selection event says about the challenge. */
export function listData(challenge: ChallengeEntity): JsonObject {
  return {
    challengeId: challenge.id,
    code: challenge.code,
    title: challenge.title,
    issuerOrganizationId: challenge.issuerOrganizationId,
  };
}

/** What the events of a selection say: the challenge, the selection and the applications it selected. */
export function selectionData(challenge: ChallengeEntity, selection: SelectionEntity): JsonObject {
  return { ...listData(challenge), selectionId: selection.id, applicationIds: selection.applicationIds };
}

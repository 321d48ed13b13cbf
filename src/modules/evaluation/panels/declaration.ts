import { DomainError } from '../../../common/errors/domain-error';

/** What an expert's declaration asks for: proceed, or leave the panel for a conflict or a decline. */
export type DeclarationIntent = { kind: 'none' } | { kind: 'conflict' | 'decline'; reason: string };

/**
 * Exactly one of {conflict:false}, {conflict:true, reason}, {decline:true, reason}; 400 otherwise.
 * The same rule for review panels and acceptance panels (ADR 0024, ADR 0029).
 */
export function declarationIntent(dto: {
  conflict?: boolean;
  decline?: boolean;
  reason?: string;
}): DeclarationIntent {
  const reason = dto.reason?.trim() ?? '';
  if (dto.decline === true && dto.conflict === undefined) {
    if (!reason)
      throw DomainError.validation([{ field: 'reason', message: 'a reason is required to decline' }]);
    return { kind: 'decline', reason };
  }
  if (dto.decline === undefined && dto.conflict === true) {
    if (!reason)
      throw DomainError.validation([{ field: 'reason', message: 'a reason is required for a conflict' }]);
    return { kind: 'conflict', reason };
  }
  if (dto.decline === undefined && dto.conflict === false) return { kind: 'none' };
  throw DomainError.validation([
    {
      field: 'conflict',
      message: 'send {"conflict": false}, {"conflict": true, "reason": …} or {"decline": true, "reason": …}',
    },
  ]);
}

/** A conflict the rules found, as the declaration's answer names it. */
export interface FoundConflict {
  kind: string;
  organizationId?: string;
  detail: string;
}

/** What a declaration comes to: the member stays (declared), or leaves with an outcome and a reason. */
export type DeclarationOutcome =
  { stays: true } | { stays: false; outcome: 'conflicted' | 'declined'; reason: string };

/**
 * The declaration's outcome from what the expert said and what the rules found on the profile as it
 * is now: no conflict said and none found → the member stays; otherwise it leaves, a declined
 * member as `declined`, any other as `conflicted`, with the expert's reason (and the rules' findings).
 */
export function declarationOutcome(
  intent: DeclarationIntent,
  found: readonly FoundConflict[],
): DeclarationOutcome {
  if (intent.kind === 'none' && !found.length) return { stays: true };
  const automatic = found.map((c) => c.detail).join('; ');
  const reason =
    intent.kind === 'none'
      ? `conflict of interest found at declaration: ${automatic}`
      : intent.reason + (found.length ? ` (also found by the rules: ${automatic})` : '');
  return { stays: false, outcome: intent.kind === 'decline' ? 'declined' : 'conflicted', reason };
}

/**
 * 422 CONFLICT_OF_INTEREST after the member was replaced for a conflict the rules found at its
 * declaration of none (the replacement is committed: the rule's consequence, not the request's).
 */
export function conflictOfInterest(
  found: readonly FoundConflict[],
  subject: { what: string; panel: string },
  extra: Record<string, unknown>,
): DomainError {
  return new DomainError(
    'CONFLICT_OF_INTEREST',
    `You have a conflict of interest with this ${subject.what}: ${found.map((c) => c.detail).join('; ')}. ` +
      `You have been replaced on the ${subject.panel}.`,
    {
      extra: {
        conflicts: found.map((c) => ({
          kind: c.kind,
          organizationId: c.organizationId ?? null,
          detail: c.detail,
        })),
        ...extra,
      },
    },
  );
}

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

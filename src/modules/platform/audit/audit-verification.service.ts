import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditVerifier, VerificationResult } from './chain/audit-verifier';
import {
  AuditVerificationQueryDto,
  AuditVerificationResponse,
  DEFAULT_VERIFY_LIMIT,
} from './dto/audit-verification.dto';

export function toVerificationResponse(result: VerificationResult): AuditVerificationResponse {
  const reachedHead = result.toSeq >= result.head.seq;
  return {
    status: result.ok ? 'ok' : 'broken',
    fromSeq: result.fromSeq,
    toSeq: result.toSeq,
    checked: result.checked,
    live: result.live,
    archived: result.archived,
    checkpoints: result.checkpoints,
    headSeq: result.head.seq,
    headHash: result.head.hash,
    archivedThroughSeq: result.head.archivedThroughSeq,
    nextFromSeq: result.ok && !reachedHead ? result.toSeq + 1 : null,
    firstBreak: result.firstBreak,
  };
}

/** The chain's verification for the audit administrator, one bounded range of seals a request. */
@Injectable()
export class AuditVerificationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly verifier: AuditVerifier,
  ) {}

  async verify(query: AuditVerificationQueryDto): Promise<AuditVerificationResponse> {
    // One snapshot for the whole range: a seal added meanwhile cannot look like a gap.
    const result = await this.dataSource.transaction('REPEATABLE READ', (em) =>
      this.verifier.verify(em, { fromSeq: query.fromSeq ?? 1, limit: query.limit ?? DEFAULT_VERIFY_LIMIT }),
    );
    return toVerificationResponse(result);
  }
}

import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../../../common/errors/domain-error';
import type { IntroducedParty } from '../needs/need-interests.service';
import { ExpertMatchView, MatchSubjectsRepository, TeamMatchView } from './match-subjects.repository';
import type { NeedMatchKind } from './matching.constants';

/** The subjects of a need's matches: their views, and who an introduction from a match tells. */
@Injectable()
export class MatchSubjects {
  constructor(private readonly repository: MatchSubjectsRepository) {}

  async teams(em: EntityManager, ids: string[]): Promise<Map<string, TeamMatchView>> {
    return new Map((await this.repository.teams(em, ids)).map((r) => [r.id, r]));
  }

  /** Experts' views; `withNames` for brokers and admins only. */
  async experts(em: EntityManager, ids: string[], withNames: boolean): Promise<Map<string, ExpertMatchView>> {
    const rows = await this.repository.experts(em, ids);
    return new Map(rows.map((r) => [r.id, { ...r, displayName: withNames ? r.displayName : null }]));
  }

  /**
   * Who an introduction from a match introduces: a result's holder organization, a team's lead
   * organization, an expert alone (the expert's account, never the affiliation's users). 404 for
   * an unknown subject; 422 for one that left the library (a result no longer published, an
   * inactive expert).
   */
  async party(em: EntityManager, kind: NeedMatchKind, id: string): Promise<IntroducedParty> {
    const row = await this.repository.party(em, kind, id);
    if (!row) throw DomainError.notFound('Match subject');
    if (!row.open) {
      throw new DomainError('BUSINESS_RULE_VIOLATION', `This ${kind} has left the matching library`);
    }
    return {
      interestId: null,
      subject: { kind, id },
      organizationId: row.organizationId,
      userId: row.userId,
    };
  }
}

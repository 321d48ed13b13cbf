import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { MatchIndex } from '../../platform/terms/match-index.service';
import { TeamsRepository } from './teams.repository';

/**
 * Keeps a team's entry in the matching index in step with its saves, in the caller's transaction
 * (ADR 0060 "Wiring"): its public fields only (TeamsRepository.matchFields: name, members' roles,
 * the chains of the lists it applied to, the lead organization's region).
 */
@Injectable()
export class TeamMatching {
  constructor(
    private readonly index: MatchIndex,
    private readonly teams: TeamsRepository,
  ) {}

  async sync(em: EntityManager, teamId: string): Promise<void> {
    const fields = await this.teams.matchFields(em, teamId);
    if (!fields) return this.index.remove('team', teamId, em);
    await this.index.index(
      'team',
      teamId,
      { texts: [fields.name, ...fields.roles], chains: fields.chains, region: fields.region },
      em,
    );
  }
}

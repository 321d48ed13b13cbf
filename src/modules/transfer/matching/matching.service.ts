import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { hasRole, Principal, requireUser } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { MatchIndex } from '../../platform/terms/match-index.service';
import { NeedAccess } from '../needs/need-access.service';
import { publicMatchFields } from '../needs/need-matching';
import { NeedQueriesService } from '../needs/need-queries.service';
import { NeedsRepository } from '../needs/needs.repository';
import { publicResultFields } from '../results/result-matching';
import { isHolder, isVetter } from '../results/results-access';
import { ResultsRepository } from '../results/results.repository';
import { LabelMatchDto, MatchLabelResponseDto, MatchResponseDto } from './dto/match.dto';
import { MatchLabelEntity } from './entities/match-label.entity';
import { MatchSubjects } from './match-subjects';
import { MATCH_AUDIT, MATCH_LABEL_ENTITY, NeedMatchKind } from './matching.constants';

const DEFAULT_LIMIT = 10;
const SUBJECT_TABLES: Record<NeedMatchKind, string> = { result: 'results', team: 'teams', expert: 'experts' };

/**
 * The matching endpoints (ADR 0060 "Wiring"): a need's matches for the people who see it whole, a
 * result's needs for its holder and the vetters, and brokers' labels on a need's suggestions.
 * Matching reads the index, which holds public fields only; a subject out of the index (a need not
 * yet public, a result not published) is matched from its public fields on the fly.
 */
@Injectable()
export class MatchingService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly index: MatchIndex,
    private readonly needs: NeedsRepository,
    private readonly access: NeedAccess,
    private readonly needQueries: NeedQueriesService,
    private readonly results: ResultsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly subjects: MatchSubjects,
  ) {}

  async needMatches(
    actor: Principal,
    id: string,
    kind: NeedMatchKind,
    limit = DEFAULT_LIMIT,
  ): Promise<MatchResponseDto[]> {
    const em = this.dataSource.manager;
    const need = await this.needs.findById(id, em);
    if (!need || (await this.access.viewOf(em, actor, need)) !== 'full') throw DomainError.notFound('Need');
    const matches = await this.matchesOf(em, 'need', id, kind, limit, () => publicMatchFields(need));
    const ids = matches.map((m) => m.id);
    if (kind === 'team') {
      const teams = await this.subjects.teams(em, ids);
      return matches.map((m) => ({ ...m, team: teams.get(m.id) }));
    }
    if (kind === 'expert') {
      // Names for the brokers and admins who would introduce an expert, never for the enterprise.
      const names = hasRole(actor, 'broker', 'admin') && !this.access.isEnterprise(actor, need);
      const experts = await this.subjects.experts(em, ids, names);
      return matches.map((m) => ({ ...m, expert: experts.get(m.id) }));
    }
    return matches;
  }

  async resultMatches(actor: Principal, id: string, limit = DEFAULT_LIMIT): Promise<MatchResponseDto[]> {
    const em = this.dataSource.manager;
    const result = await this.results.findById(id, em);
    if (!result || !(isHolder(actor, result) || isVetter(actor))) throw DomainError.notFound('Result');
    const matches = await this.matchesOf(em, 'result', id, 'need', limit, () => publicResultFields(result));
    // Indexed needs are public: each is shown as the public sees it (anonymous stays anonymous).
    return Promise.all(
      matches.map(async (m) => ({ ...m, need: await this.needQueries.get(undefined, m.id) })),
    );
  }

  async label(
    actor: Principal,
    needId: string,
    kind: NeedMatchKind,
    subjectId: string,
    dto: LabelMatchDto,
  ): Promise<MatchLabelResponseDto> {
    const user = requireUser(actor);
    return this.dataSource.transaction(async (em) => {
      const need = await this.needs.findByIdForUpdate(em, needId);
      if (!need || (await this.access.viewOf(em, actor, need)) !== 'full') throw DomainError.notFound('Need');
      if (!hasRole(actor, 'broker', 'admin') || this.access.isEnterprise(actor, need)) {
        throw new DomainError('FORBIDDEN', 'Only a broker who may see the need labels its matches');
      }
      const exists = await em.query<unknown[]>(`SELECT 1 FROM ${SUBJECT_TABLES[kind]} WHERE id = $1`, [
        subjectId,
      ]);
      if (!exists.length) throw DomainError.notFound('Match subject');
      const matches = await this.matchesOf(em, 'need', needId, kind, 100, () => publicMatchFields(need));
      const score = matches.find((m) => m.id === subjectId)?.score ?? null;
      const now = this.clock.now();
      const repo = em.getRepository(MatchLabelEntity);
      const existing = await repo.findOne({ where: { needId, subjectKind: kind, subjectId } });
      const before = existing ? { verdict: existing.verdict, reason: existing.reason } : undefined;
      const label = existing ?? repo.create({ needId, subjectKind: kind, subjectId, createdAt: now });
      Object.assign(label, {
        verdict: dto.verdict,
        reason: dto.reason.trim(),
        score,
        brokerUserId: user.userId,
      });
      label.updatedAt = now;
      const saved = await repo.save(label);
      await this.audit.record(em, {
        actor,
        action: MATCH_AUDIT.labelled,
        objectType: MATCH_LABEL_ENTITY,
        objectId: saved.id,
        before,
        after: { needId, subjectKind: kind, subjectId, verdict: saved.verdict, reason: saved.reason, score },
      });
      return toLabelResponse(saved);
    });
  }

  private async matchesOf(
    em: EntityManager,
    kind: 'need' | 'result',
    id: string,
    target: NeedMatchKind | 'need',
    limit: number,
    fields: () => ReturnType<typeof publicMatchFields>,
  ): ReturnType<MatchIndex['topMatches']> {
    try {
      return await this.index.topMatches(kind, id, target, limit, em);
    } catch (e) {
      if (!(e instanceof DomainError) || e.code !== 'NOT_FOUND') throw e;
      return this.index.topMatchesFor(fields(), target, limit, em);
    }
  }
}

function toLabelResponse(l: MatchLabelEntity): MatchLabelResponseDto {
  return {
    id: l.id,
    needId: l.needId,
    subjectKind: l.subjectKind,
    subjectId: l.subjectId,
    verdict: l.verdict,
    reason: l.reason,
    score: l.score,
    brokerUserId: l.brokerUserId,
    createdAt: l.createdAt,
    updatedAt: l.updatedAt,
  };
}

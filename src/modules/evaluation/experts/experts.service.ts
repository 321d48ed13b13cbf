import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { hasRole, isAdmin, Principal } from '../../../common/auth/principal';
import { assertVersion, requireIfMatch } from '../../../common/concurrency/etag';
import { DomainError, FieldError } from '../../../common/errors/domain-error';
import { JsonObject } from '../../../common/json';
import { Page } from '../../../common/pagination/pagination';
import { Clock } from '../../../infra/clock/clock';
import { TaxonomyService } from '../../platform/taxonomy/taxonomy.service';
import { MatchIndex } from '../../platform/terms/match-index.service';
import { expertMatchFields } from './expert-matching';
import {
  CollaborationInputDto,
  CreateExpertDto,
  ListExpertsQueryDto,
  UpdateExpertDto,
} from './dto/expert-input.dto';
import { ExpertResponseDto, ExpertSummaryDto } from './dto/expert-response.dto';
import { ExpertEntity } from './entities/expert.entity';
import { EXPERT_ENTITY, expertSnapshot, toExpertResponse, toExpertSummary } from './expert.mappers';
import { checkCollaborations, normalizeKeywords } from './expert-rules';
import type { ExpertWithParts } from './expert-types';
import { ExpertsRepository } from './experts.repository';

/** The audit actions of the expert pool. */
export const EXPERT_AUDIT = {
  created: 'expert.created',
  updated: 'expert.updated',
} as const;
type ExpertAuditAction = (typeof EXPERT_AUDIT)[keyof typeof EXPERT_AUDIT];

function throwIfAny(errors: FieldError[]): void {
  if (errors.length) throw DomainError.validation(errors);
}

const USER_ERROR: FieldError = {
  field: 'userId',
  message: 'userId must be an enabled user with the expert role',
};

const AFFILIATION_ERROR: FieldError = {
  field: 'affiliationOrganizationId',
  message: 'organization not found',
};

/**
 * The expert pool (专家库): profiles managed by admins, each also edited by its expert (every
 * field but `active`). Every change locks the profile row, checks If-Match (required) and is
 * audited with before and after in the same transaction. The conflict rules (conflicts.ts) and
 * `ExpertsRepository.findActiveForChain` serve the panel draw and the declaration (ADR 0022).
 */
@Injectable()
export class ExpertsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly experts: ExpertsRepository,
    private readonly taxonomy: TaxonomyService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly matchIndex: MatchIndex,
  ) {}

  /**
   * A new profile for an enabled user with the expert role (400 on `userId` otherwise), one per
   * user (409 ALREADY_EXISTS). The affiliation defaults to the user's organization and is stored.
   */
  async create(actor: Principal, dto: CreateExpertDto): Promise<ExpertResponseDto> {
    const collaborations = dto.collaborations ?? [];
    const parts = await this.dataSource.transaction(async (em) => {
      const found = await this.experts.findProfileUser(em, dto.userId);
      const user = found?.enabled && found.roles.includes('expert') ? found : null;
      const errors: FieldError[] = user ? [] : [USER_ERROR];
      errors.push(
        ...(await this.organizationErrors(em, dto.affiliationOrganizationId, collaborations)),
        ...(await this.industryChainErrors(em, dto.industryChains)),
      );
      if (!user || errors.length) throw DomainError.validation(errors);
      if (await this.experts.existsForUser(em, user.id)) {
        throw new DomainError('ALREADY_EXISTS', 'This user already has an expert profile', {
          errors: [{ field: 'userId', message: 'the user already has an expert profile' }],
        });
      }
      const now = this.clock.now();
      const expert = em.create(ExpertEntity, {
        userId: user.id,
        affiliationOrganizationId: dto.affiliationOrganizationId ?? user.organizationId,
        title: dto.title.trim(),
        industryChainCodes: dto.industryChains,
        keywords: normalizeKeywords(dto.keywords ?? []),
        active: dto.active ?? true,
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      await em.save(expert);
      await this.experts.replaceCollaborations(em, expert.id, collaborations);
      const created = await this.experts.withParts(em, expert);
      await this.indexForMatching(em, created);
      await this.record(em, actor, EXPERT_AUDIT.created, expert.id, null, expertSnapshot(created));
      return created;
    });
    return toExpertResponse(parts);
  }

  /** Admins: the pool, newest first, filtered by industry chain, active flag, affiliation, keyword. */
  async list(query: ListExpertsQueryDto): Promise<Page<ExpertSummaryDto>> {
    const page = await this.experts.listNewestFirst(query);
    const heads = await this.experts.withHeads(page.items);
    return { items: heads.map(toExpertSummary), nextCursor: page.nextCursor };
  }

  /** Admins, and the expert itself; anyone else 404. */
  async get(actor: Principal, id: string): Promise<ExpertResponseDto> {
    const expert = await this.experts.findById(id);
    if (!expert || !(isAdmin(actor) || isOwnProfile(actor, expert))) throw DomainError.notFound('Expert');
    return toExpertResponse(await this.experts.withParts(this.dataSource.manager, expert));
  }

  /** The caller's own profile; 404 when it has none yet (an admin creates it). */
  async getMine(actor: Principal): Promise<ExpertResponseDto> {
    const expert = actor.kind === 'user' ? await this.experts.findByUserId(actor.userId) : null;
    if (!expert) throw DomainError.notFound('Expert profile');
    return toExpertResponse(await this.experts.withParts(this.dataSource.manager, expert));
  }

  /**
   * Changes what is given (If-Match required); collaborations are replaced whole. Admins change
   * everything; the expert itself everything but `active` (403): it knows first when it moves to
   * another organization or starts a collaboration, and the conflict check runs again when it
   * declares, on the profile as it is then.
   */
  async update(
    actor: Principal,
    id: string,
    dto: UpdateExpertDto,
    expectedVersion: number | undefined,
  ): Promise<ExpertResponseDto> {
    requireIfMatch(expectedVersion, 'edits of an expert profile');
    const parts = await this.dataSource.transaction(async (em) => {
      const expert = await this.lockForEdit(em, actor, id, dto, expectedVersion);
      const current = await this.experts.withParts(em, expert);
      const before = expertSnapshot(current);
      throwIfAny([
        ...(await this.organizationErrors(em, dto.affiliationOrganizationId, dto.collaborations ?? [])),
        ...(await this.industryChainErrors(em, dto.industryChains ?? [])),
      ]);
      if (dto.affiliationOrganizationId !== undefined) {
        expert.affiliationOrganizationId = dto.affiliationOrganizationId;
      }
      if (dto.title !== undefined) expert.title = dto.title.trim();
      if (dto.industryChains !== undefined) expert.industryChainCodes = dto.industryChains;
      if (dto.keywords !== undefined) expert.keywords = normalizeKeywords(dto.keywords);
      if (dto.active !== undefined) expert.active = dto.active;
      expert.version += 1;
      expert.updatedAt = this.clock.now();
      await em.save(expert);
      if (dto.collaborations !== undefined) {
        await this.experts.replaceCollaborations(em, expert.id, dto.collaborations);
      }
      const after = await this.experts.withParts(em, expert);
      await this.indexForMatching(em, after);
      await this.record(em, actor, EXPERT_AUDIT.updated, expert.id, before, expertSnapshot(after));
      return after;
    });
    return toExpertResponse(parts);
  }

  // — helpers —

  /**
   * The profile in the matching library (ADR 0060): fields of expertise (keywords, chains) and the
   * affiliation's region, while active; an inactive expert leaves it.
   */
  private async indexForMatching(em: EntityManager, parts: ExpertWithParts): Promise<void> {
    const { expert } = parts;
    if (!expert.active) return this.matchIndex.remove('expert', expert.id, em);
    await this.matchIndex.index(
      'expert',
      expert.id,
      expertMatchFields(expert, parts.affiliationOrganization.regionCode),
      em,
    );
  }

  /**
   * Locks a profile for an edit: 404 for one the caller may not see (not an admin, not its own),
   * 403 when its expert sends `active`, 409 VERSION_MISMATCH when stale.
   */
  private async lockForEdit(
    em: EntityManager,
    actor: Principal,
    id: string,
    dto: UpdateExpertDto,
    expectedVersion: number | undefined,
  ): Promise<ExpertEntity> {
    const expert = await this.experts.findByIdForUpdate(em, id);
    if (!expert) throw DomainError.notFound('Expert');
    if (!isAdmin(actor)) {
      if (!isOwnProfile(actor, expert)) throw DomainError.notFound('Expert');
      if (dto.active !== undefined) {
        throw new DomainError('FORBIDDEN', 'Only admins may activate or deactivate an expert', {
          errors: [{ field: 'active', message: 'only admins may change active' }],
        });
      }
    }
    assertVersion(expert.version, expectedVersion);
    return expert;
  }

  /** The affiliation (when given) and every collaboration's organization exist. */
  private async organizationErrors(
    em: EntityManager,
    affiliationOrganizationId: string | undefined,
    collaborations: CollaborationInputDto[],
  ): Promise<FieldError[]> {
    const ids = collaborations.map((c) => c.organizationId);
    if (affiliationOrganizationId !== undefined) ids.push(affiliationOrganizationId);
    const known = await this.experts.existingOrganizationIds(em, ids);
    const errors: FieldError[] = [];
    if (affiliationOrganizationId !== undefined && !known.has(affiliationOrganizationId)) {
      errors.push(AFFILIATION_ERROR);
    }
    errors.push(...checkCollaborations(collaborations, known, 'collaborations'));
    return errors;
  }

  /** Each code an active industry chain (TaxonomyService's rule), errors as `industryChains[1]`. */
  private async industryChainErrors(em: EntityManager, codes: string[]): Promise<FieldError[]> {
    const errors: FieldError[] = [];
    for (const [i, code] of codes.entries()) {
      try {
        await this.taxonomy.assertActiveIndustryChain(em, code);
      } catch (error) {
        if (!(error instanceof DomainError) || error.code !== 'VALIDATION_FAILED') throw error;
        for (const e of error.options.errors ?? []) {
          errors.push({ field: `industryChains[${i}]`, message: e.message });
        }
      }
    }
    return errors;
  }

  private async record(
    em: EntityManager,
    actor: Principal,
    action: ExpertAuditAction,
    expertId: string,
    before: JsonObject | null,
    after: JsonObject,
  ): Promise<void> {
    await this.audit.record(em, {
      actor,
      action,
      objectType: EXPERT_ENTITY,
      objectId: expertId,
      before,
      after,
    });
  }
}

/** The caller is the profile's expert: its user, still holding the expert role. */
function isOwnProfile(actor: Principal, expert: ExpertEntity): boolean {
  return actor.kind === 'user' && actor.userId === expert.userId && hasRole(actor, 'expert');
}

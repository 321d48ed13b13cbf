import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { Principal } from '../../../common/auth/principal';
import { assertVersion } from '../../../common/concurrency/etag';
import { DomainError } from '../../../common/errors/domain-error';
import { JsonObject } from '../../../common/json';
import { mapPage, Page } from '../../../common/pagination/pagination';
import { Clock } from '../../../infra/clock/clock';
import {
  CreateTaxonomyTermDto,
  ListTaxonomyQueryDto,
  TaxonomyTermResponseDto,
  toTaxonomyTermResponse,
  UpdateTaxonomyTermDto,
} from './dto/taxonomy.dto';
import { TaxonomyTerm } from './entities/taxonomy-term';
import { TAXONOMY_ENTITIES, TaxonomyKind, TaxonomyRepository } from './taxonomy.repository';

/** How each kind is named in audit rows, problem details and field errors. */
const KINDS: Record<TaxonomyKind, { objectType: string; label: string; field: string }> = {
  industryChain: { objectType: 'industry_chain', label: 'Industry chain', field: 'industryChain' },
  category: { objectType: 'category', label: 'Category', field: 'category' },
};

function snapshot(term: TaxonomyTerm): JsonObject {
  return { ...toTaxonomyTermResponse(term) };
}

@Injectable()
export class TaxonomyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly terms: TaxonomyRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** For modules whose records reference an industry chain: 400 on `industryChain` unless it exists and is active. */
  assertActiveIndustryChain(em: EntityManager, code: string): Promise<void> {
    return this.assertActive(em, 'industryChain', code);
  }

  /** For modules whose records reference a category: 400 on `category` unless it exists and is active. */
  assertActiveCategory(em: EntityManager, code: string): Promise<void> {
    return this.assertActive(em, 'category', code);
  }

  async list(kind: TaxonomyKind, query: ListTaxonomyQueryDto): Promise<Page<TaxonomyTermResponseDto>> {
    return mapPage(await this.terms.listInOrder(kind, query), toTaxonomyTermResponse);
  }

  async create(
    actor: Principal,
    kind: TaxonomyKind,
    dto: CreateTaxonomyTermDto,
  ): Promise<TaxonomyTermResponseDto> {
    const { objectType, label } = KINDS[kind];
    const term = await this.dataSource.transaction(async (em) => {
      if (await this.terms.existsWithCode(em, kind, dto.code)) {
        throw new DomainError('ALREADY_EXISTS', `${label} ${dto.code} already exists`, {
          errors: [{ field: 'code', message: 'code is already in use' }],
        });
      }
      const now = this.clock.now();
      const created = em.create(TAXONOMY_ENTITIES[kind], {
        code: dto.code,
        nameZh: dto.nameZh.trim(),
        nameEn: dto.nameEn.trim(),
        sortOrder: dto.sortOrder ?? (await this.terms.nextSortOrder(em, kind)),
        active: dto.active ?? true,
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      await em.save(created);
      await this.audit.record(em, {
        actor,
        action: `${objectType}.created`,
        objectType,
        objectId: created.code,
        after: snapshot(created),
      });
      return created;
    });
    return toTaxonomyTermResponse(term);
  }

  async update(
    actor: Principal,
    kind: TaxonomyKind,
    code: string,
    dto: UpdateTaxonomyTermDto,
    expectedVersion: number | undefined,
  ): Promise<TaxonomyTermResponseDto> {
    const { objectType, label } = KINDS[kind];
    const term = await this.dataSource.transaction(async (em) => {
      const current = await this.terms.findByCodeForUpdate(em, kind, code);
      if (!current) throw DomainError.notFound(label);
      assertVersion(current.version, expectedVersion);
      const before = snapshot(current);
      if (dto.nameZh !== undefined) current.nameZh = dto.nameZh.trim();
      if (dto.nameEn !== undefined) current.nameEn = dto.nameEn.trim();
      if (dto.sortOrder !== undefined) current.sortOrder = dto.sortOrder;
      if (dto.active !== undefined) current.active = dto.active;
      current.version += 1;
      current.updatedAt = this.clock.now();
      await em.save(current);
      await this.audit.record(em, {
        actor,
        action: `${objectType}.updated`,
        objectType,
        objectId: code,
        before,
        after: snapshot(current),
      });
      return current;
    });
    return toTaxonomyTermResponse(term);
  }

  private async assertActive(em: EntityManager, kind: TaxonomyKind, code: string): Promise<void> {
    const { field, label } = KINDS[kind];
    const term = typeof code === 'string' ? await this.terms.findByCode(kind, code, em) : null;
    if (!term) throw DomainError.validation([{ field, message: `unknown ${label.toLowerCase()} ${code}` }]);
    if (!term.active) {
      throw DomainError.validation([
        { field, message: `${label.toLowerCase()} ${code} is no longer in use` },
      ]);
    }
  }
}

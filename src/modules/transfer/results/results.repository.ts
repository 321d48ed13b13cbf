import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { byCreation, Page, paginate } from '../../../common/pagination/pagination';
import { ListResultsQueryDto } from './dto/list-results.query';
import { ResultConfidentialEntity } from './entities/result-confidential.entity';
import { ResultNdaEntity } from './entities/result-nda.entity';
import { ResultUtilisationEntity } from './entities/result-utilisation.entity';
import { ResultEntity } from './entities/result.entity';

/** Who a listing is for: the public (published only), one organization, or everyone (admins, brokers). */
export type ResultListing =
  { kind: 'public' } | { kind: 'organization'; organizationId: string } | { kind: 'all' };

/** The results library's rows: results, their confidential details, undertakings and utilisation reports. */
@Injectable()
export class ResultsRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string, em: EntityManager = this.dataSource.manager): Promise<ResultEntity | null> {
    return em.findOne(ResultEntity, { where: { id } });
  }

  /** The rows of these ids in one statement (any order; ids without a row left out). */
  findByIds(ids: string[], em: EntityManager = this.dataSource.manager): Promise<ResultEntity[]> {
    return ids.length ? em.findBy(ResultEntity, { id: In(ids) }) : Promise.resolve([]);
  }

  async lockById(em: EntityManager, id: string): Promise<ResultEntity | null> {
    return em.findOne(ResultEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  findByAcceptance(em: EntityManager, acceptanceId: string): Promise<ResultEntity | null> {
    return em.findOne(ResultEntity, { where: { acceptanceId } });
  }

  /**
   * Inserts a result drafted from an acceptance unless one exists for it (the unique index on
   * acceptance_id): the new row, or null when the acceptance already has its result.
   */
  async insertForAcceptance(em: EntityManager, row: Partial<ResultEntity>): Promise<ResultEntity | null> {
    const inserted = await em
      .createQueryBuilder()
      .insert()
      .into(ResultEntity)
      .values(row)
      .orIgnore()
      .returning('id')
      .execute();
    const id = (inserted.raw as Array<{ id: string }>)[0]?.id;
    return id ? this.findById(id, em) : null;
  }

  /** A page of the listing; on `source`, a read replica for anonymous public pages (ADR 0065). */
  page(
    listing: ResultListing,
    query: ListResultsQueryDto,
    source: DataSource = this.dataSource,
  ): Promise<Page<ResultEntity>> {
    const qb = source.getRepository(ResultEntity).createQueryBuilder('r');
    if (listing.kind === 'public') qb.where(`r.status = 'published'`);
    else if (listing.kind === 'organization')
      qb.where('r.organization_id = :org', { org: listing.organizationId });
    else qb.where('TRUE');
    if (listing.kind !== 'public' && query.status)
      qb.andWhere('r.status = :status', { status: query.status });
    if (query.industryChain) qb.andWhere('r.industry_chain_code = :chain', { chain: query.industryChain });
    if (query.type) qb.andWhere('r.type = :type', { type: query.type });
    if (query.transferMode)
      qb.andWhere('r.transfer_modes @> :mode::jsonb', { mode: JSON.stringify([query.transferMode]) });
    if (query.minTrl !== undefined) qb.andWhere('r.trl_claimed >= :minTrl', { minTrl: query.minTrl });
    if (query.maxTrl !== undefined) qb.andWhere('r.trl_claimed <= :maxTrl', { maxTrl: query.maxTrl });
    return paginate(qb, byCreation<ResultEntity>('r'), query);
  }

  // — confidential details and undertakings —

  confidential(resultId: string, em: EntityManager = this.dataSource.manager) {
    return em.findOne(ResultConfidentialEntity, { where: { resultId } });
  }

  async hasConfidential(resultIds: string[]): Promise<Set<string>> {
    if (!resultIds.length) return new Set();
    const rows = await this.dataSource.query<Array<{ result_id: string }>>(
      `SELECT result_id FROM result_confidential WHERE result_id = ANY($1) AND details <> ''`,
      [resultIds],
    );
    return new Set(rows.map((r) => r.result_id));
  }

  async saveConfidential(em: EntityManager, resultId: string, details: string, now: Date): Promise<void> {
    await em.save(em.create(ResultConfidentialEntity, { resultId, details, updatedAt: now }));
  }

  findNda(resultId: string, userId: string, em: EntityManager = this.dataSource.manager) {
    return em.findOne(ResultNdaEntity, { where: { resultId, userId } });
  }

  // — utilisation reports —

  utilisationOf(resultId: string, em: EntityManager = this.dataSource.manager) {
    return em.find(ResultUtilisationEntity, { where: { resultId }, order: { year: 'ASC' } });
  }

  lockUtilisation(em: EntityManager, id: string): Promise<ResultUtilisationEntity | null> {
    return em.findOne(ResultUtilisationEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  lockUtilisationOfYear(em: EntityManager, resultId: string, year: number) {
    return em.findOne(ResultUtilisationEntity, {
      where: { resultId, year },
      lock: { mode: 'pessimistic_write' },
    });
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { DomainError } from '../../../common/errors/domain-error';
import { KeysetColumn, Page, paginate } from '../../../common/pagination/pagination';
import { ChallengeStatus } from './challenge-status';
import { ListChallengesQueryDto } from './dto/list-challenges.query';
import { ChallengeAmendmentEntity } from './entities/challenge-amendment.entity';
import { AttachmentVisibility, ChallengeAttachmentEntity } from './entities/challenge-attachment.entity';
import { ChallengeConfidentialEntity } from './entities/challenge-confidential.entity';
import { ChallengeIndicatorEntity } from './entities/challenge-indicator.entity';
import { ChallengeNdaEntity } from './entities/challenge-nda.entity';
import { ChallengeEntity } from './entities/challenge.entity';

/**
 * The application statuses that do not count as submitted (a draft, or a withdrawn application); every
 * other status does: the applications module's SUBMITTED_STATUSES, pinned to this challenge by
 * application-status.spec.ts. Named here rather than imported because applications depend on
 * challenges and never the other way round.
 */
export const UNSUBMITTED_APPLICATION_STATUSES = ['draft', 'withdrawn'] as const;

/** Which challenges a listing may return. */
export type ChallengeVisibility =
  { scope: 'public' } | { scope: 'organization'; organizationId: string } | { scope: 'all' };

export interface IndicatorInput {
  id?: string;
  name: string;
  targetValue: string;
  unit: string;
  verificationMethod: string;
}

export interface AttachmentLink {
  attachmentId: string;
  visibility: AttachmentVisibility;
}

/** A challenge's attachment with the file's metadata. */
export interface LinkedAttachment extends AttachmentLink {
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
}

/** A listing's query and keyset, ready for `paginate`. */
export interface ListingQuery {
  qb: SelectQueryBuilder<ChallengeEntity>;
  columns: KeysetColumn<ChallengeEntity>[];
  direction: 'ASC' | 'DESC';
}

/** `%`, `_` and `\` are LIKE wildcards or the escape: a search term means itself. */
export function likeContains(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** 360000 → '36' (province), 360100 → '3601' (city), 360102 → '360102' (district). */
export function regionPrefix(region: string): string {
  if (region.endsWith('0000')) return region.slice(0, 2);
  if (region.endsWith('00')) return region.slice(0, 4);
  return region;
}

/**
 * How each effective status (challenge-status.ts) reads in SQL at the time :now. Published and
 * open challenges whose deadline passed count as open or closed by the clock, not by the stored status.
 */
const STATUS_SQL: Partial<Record<ChallengeStatus, string>> = {
  published: `(c.status = 'published' AND c.opens_at > :now)`,
  open: `(c.status IN ('published', 'open') AND c.opens_at <= :now AND c.closes_at > :now)`,
  closed: `(c.status = 'closed' OR (c.status IN ('published', 'open') AND c.closes_at <= :now))`,
};

const SORT_COLUMNS: Record<string, KeysetColumn<ChallengeEntity>> = {
  publishedAt: { expression: 'c.published_at', value: (c) => c.publishedAt as Date, cast: 'timestamptz' },
  closesAt: { expression: 'c.closes_at', value: (c) => c.closesAt, cast: 'timestamptz' },
  totalFen: { expression: 'c.total_fen', value: (c) => c.totalFen, cast: 'bigint' },
  createdAt: { expression: 'c.created_at', value: (c) => c.createdAt, cast: 'timestamptz' },
};
const ID_COLUMN: KeysetColumn<ChallengeEntity> = { expression: 'c.id', value: (c) => c.id, cast: 'uuid' };

@Injectable()
export class ChallengesRepository {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string, em: EntityManager = this.dataSource.manager): Promise<ChallengeEntity | null> {
    return em.findOne(ChallengeEntity, { where: { id } });
  }

  /** The challenge with its program (`program` set unless the program is gone), in one statement. */
  findWithProgram(id: string): Promise<ChallengeEntity | null> {
    return this.dataSource
      .getRepository(ChallengeEntity)
      .createQueryBuilder('c')
      .leftJoinAndSelect('c.program', 'p')
      .where('c.id = :id', { id })
      .getOne();
  }

  /** The row locked FOR UPDATE until the transaction ends: every state change goes through it. */
  findByIdForUpdate(em: EntityManager, id: string): Promise<ChallengeEntity | null> {
    return em.findOne(ChallengeEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * The row locked FOR SHARE: applications take it while they submit, so an amendment or the close job
   * (FOR UPDATE) waits for submissions in flight, and they for it.
   */
  findByIdForShare(em: EntityManager, id: string): Promise<ChallengeEntity | null> {
    return em.findOne(ChallengeEntity, { where: { id }, lock: { mode: 'pessimistic_read' } });
  }

  /** Applications submitted and not withdrawn: the public count once the challenge has closed. */
  async submittedApplicationCount(challengeId: string): Promise<number> {
    const [row] = await this.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM applications
       WHERE challenge_id = $1 AND status <> ALL($2::application_status[])`,
      [challengeId, UNSUBMITTED_APPLICATION_STATUSES],
    );
    return row.n;
  }

  indicators(
    challengeId: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<ChallengeIndicatorEntity[]> {
    return em.find(ChallengeIndicatorEntity, { where: { challengeId }, order: { position: 'ASC' } });
  }

  /**
   * Replaces the indicators: an input with the id of an existing indicator keeps that id (applications
   * refer to it); the rest are new. Unknown ids are the caller's error, checked before.
   */
  async replaceIndicators(
    em: EntityManager,
    challengeId: string,
    inputs: IndicatorInput[],
  ): Promise<ChallengeIndicatorEntity[]> {
    await em.delete(ChallengeIndicatorEntity, { challengeId });
    const rows = inputs.map((input, position) =>
      em.create(ChallengeIndicatorEntity, {
        ...(input.id ? { id: input.id } : {}),
        challengeId,
        position,
        name: input.name.trim(),
        targetValue: input.targetValue.trim(),
        unit: input.unit.trim(),
        verificationMethod: input.verificationMethod.trim(),
      }),
    );
    return em.save(rows);
  }

  async confidential(
    challengeId: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<ChallengeConfidentialEntity | null> {
    return em.findOne(ChallengeConfidentialEntity, { where: { challengeId } });
  }

  async saveConfidential(em: EntityManager, challengeId: string, details: string, now: Date): Promise<void> {
    await em.upsert(ChallengeConfidentialEntity, { challengeId, details, updatedAt: now }, ['challengeId']);
  }

  async attachments(
    challengeId: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<LinkedAttachment[]> {
    const rows: Array<{
      attachment_id: string;
      visibility: AttachmentVisibility;
      filename: string;
      content_type: string;
      size_bytes: string;
      sha256: string;
    }> = await em.query(
      `SELECT ca.attachment_id, ca.visibility, a.filename, a.content_type, a.size_bytes, a.sha256
       FROM challenge_attachments ca JOIN attachments a ON a.id = ca.attachment_id
       WHERE ca.challenge_id = $1 ORDER BY ca.position`,
      [challengeId],
    );
    return rows.map((r) => ({
      attachmentId: r.attachment_id,
      visibility: r.visibility,
      filename: r.filename,
      contentType: r.content_type,
      sizeBytes: Number(r.size_bytes),
      sha256: r.sha256,
    }));
  }

  async replaceAttachments(em: EntityManager, challengeId: string, links: AttachmentLink[]): Promise<void> {
    await em.delete(ChallengeAttachmentEntity, { challengeId });
    if (!links.length) return;
    await em.insert(
      ChallengeAttachmentEntity,
      links.map((link, position) => ({ challengeId, ...link, position })),
    );
  }

  /**
   * The next number of `year`, inside the approving transaction: the counter row stays locked
   * until commit, so concurrent approvals queue and a rollback returns the number.
   */
  async nextCodeNumber(em: EntityManager, year: number): Promise<number> {
    const [row] = await em.query<Array<{ last_value: number }>>(
      `INSERT INTO challenge_code_counters (year, last_value) VALUES ($1, 1)
       ON CONFLICT (year) DO UPDATE SET last_value = challenge_code_counters.last_value + 1
       RETURNING last_value`,
      [year],
    );
    return row.last_value;
  }

  amendments(challengeId: string, after: number, limit: number): Promise<ChallengeAmendmentEntity[]> {
    return this.dataSource.manager
      .createQueryBuilder(ChallengeAmendmentEntity, 'a')
      .where('a.challenge_id = :challengeId AND a.number > :after', { challengeId, after })
      .orderBy('a.number', 'ASC')
      .limit(limit + 1)
      .getMany();
  }

  async amendmentCount(challengeId: string, em: EntityManager = this.dataSource.manager): Promise<number> {
    return em.count(ChallengeAmendmentEntity, { where: { challengeId } });
  }

  findNda(challengeId: string, userId: string, em: EntityManager = this.dataSource.manager) {
    return em.findOne(ChallengeNdaEntity, { where: { challengeId, userId } });
  }

  /** Records the undertaking once; returns whether this call recorded it. */
  async insertNda(em: EntityManager, nda: ChallengeNdaEntity): Promise<boolean> {
    const rows = await em.query<unknown[]>(
      `INSERT INTO challenge_ndas (challenge_id, user_id, organization_id, accepted_at)
       VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING user_id`,
      [nda.challengeId, nda.userId, nda.organizationId, nda.acceptedAt],
    );
    return rows.length === 1;
  }

  async addWatcher(em: EntityManager, challengeId: string, userId: string, now: Date): Promise<void> {
    await em.query(
      `INSERT INTO challenge_watchers (challenge_id, user_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [challengeId, userId, now],
    );
  }

  async removeWatcher(em: EntityManager, challengeId: string, userId: string): Promise<void> {
    await em.query(`DELETE FROM challenge_watchers WHERE challenge_id = $1 AND user_id = $2`, [
      challengeId,
      userId,
    ]);
  }

  async organizationNames(ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows: Array<{ id: string; name: string }> = await this.dataSource.query(
      `SELECT id, name FROM organizations WHERE id = ANY($1::uuid[])`,
      [[...new Set(ids)]],
    );
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** Writes a status change made on the locked row: status, reason, version and time. */
  async saveStatus(em: EntityManager, challenge: ChallengeEntity): Promise<void> {
    await em.update(
      ChallengeEntity,
      { id: challenge.id },
      {
        status: challenge.status,
        statusReason: challenge.statusReason,
        version: challenge.version,
        updatedAt: challenge.updatedAt,
      },
    );
  }

  async setSearchText(em: EntityManager, challengeId: string, searchText: string): Promise<void> {
    await em.update(ChallengeEntity, { id: challengeId }, { searchText });
  }

  /** The filtered, sorted, keyset-paginated listing; every filter and sort has an index (ADR 0018). */
  list(
    query: ListChallengesQueryDto,
    visibility: ChallengeVisibility,
    now: Date,
  ): Promise<Page<ChallengeEntity>> {
    const { qb, columns, direction } = this.listQuery(query, visibility, now);
    return paginate(qb, columns, query, direction);
  }

  /**
   * The listing before pagination: the filtered query and its keyset. `list` pages through it;
   * test/e2e/challenge-search.e2e-spec.ts EXPLAINs it to prove each filter and sort uses an index.
   */
  listQuery(query: ListChallengesQueryDto, visibility: ChallengeVisibility, now: Date): ListingQuery {
    const qb = this.dataSource.getRepository(ChallengeEntity).createQueryBuilder('c');
    this.applyVisibility(qb, visibility);
    this.applyFilters(qb, query, now);
    const [name, direction] = parseSort(
      query.sort ?? (visibility.scope === 'public' ? '-publishedAt' : '-createdAt'),
    );
    if (name === 'publishedAt' && visibility.scope !== 'public') {
      throw DomainError.validation([{ field: 'sort', message: 'a publishedAt sort needs scope=public' }]);
    }
    return { qb, columns: [SORT_COLUMNS[name], ID_COLUMN], direction };
  }

  private applyVisibility(qb: SelectQueryBuilder<ChallengeEntity>, visibility: ChallengeVisibility): void {
    if (visibility.scope === 'public') qb.andWhere('c.published_at IS NOT NULL');
    if (visibility.scope === 'organization') {
      qb.andWhere('c.issuer_organization_id = :organizationId', {
        organizationId: visibility.organizationId,
      });
    }
  }

  private applyFilters(
    qb: SelectQueryBuilder<ChallengeEntity>,
    query: ListChallengesQueryDto,
    now: Date,
  ): void {
    if (query.status?.length) {
      const stored = query.status.filter((s) => !STATUS_SQL[s]);
      const parts = query.status.flatMap((s) => (STATUS_SQL[s] ? [STATUS_SQL[s]] : []));
      if (stored.length) parts.push(`c.status IN (:...storedStatuses)`);
      qb.andWhere(`(${parts.join(' OR ')})`, { now, storedStatuses: stored });
      // Published and open challenges close in the future (closes_at > opens_at). Said on its own, it
      // bounds the closes_at index: "open,published, closing soonest" then skips no closed challenge
      // (inside the OR it could not: 34 ms at 100,000 challenges, growing with every closed one).
      if (query.status.every((s) => s === 'published' || s === 'open')) {
        qb.andWhere('c.closes_at > :now', { now });
      }
    }
    if (query.category) qb.andWhere('c.category_code = :category', { category: query.category });
    if (query.industryChain) qb.andWhere('c.industry_chain_code = :chain', { chain: query.industryChain });
    if (query.programId) qb.andWhere('c.program_id = :programId', { programId: query.programId });
    if (query.region) {
      qb.andWhere(`c.region_code LIKE :region`, { region: `${regionPrefix(query.region)}%` });
    }
    if (query.minTotalFen !== undefined)
      qb.andWhere('c.total_fen >= :minTotal', { minTotal: query.minTotalFen });
    if (query.maxTotalFen !== undefined)
      qb.andWhere('c.total_fen <= :maxTotal', { maxTotal: query.maxTotalFen });
    if (query.closesBefore)
      qb.andWhere('c.closes_at < :closesBefore', { closesBefore: new Date(query.closesBefore) });
    if (query.closesAfter)
      qb.andWhere('c.closes_at >= :closesAfter', { closesAfter: new Date(query.closesAfter) });
    if (query.q) {
      searchTerms(query.q).forEach((term, i) => {
        // 3+ characters: the trigram index answers ILIKE. 2: the bigram index narrows, ILIKE checks.
        // 1: a scan (a single character is not a keyword worth an index).
        if ([...term].length === 2) {
          qb.andWhere(`jb_bigrams(c.search_text) @> jb_bigrams(:bigram${i})`, { [`bigram${i}`]: term });
        }
        qb.andWhere(`c.search_text ILIKE :term${i}`, { [`term${i}`]: likeContains(term) });
      });
    }
  }
}

/** Words of a query, at most five: Chinese needs no spaces, but "超导 带材" asks for both. */
export function searchTerms(q: string): string[] {
  return [...new Set(q.split(/\s+/).filter(Boolean))].slice(0, 5);
}

function parseSort(sort: string): [string, 'ASC' | 'DESC'] {
  return sort.startsWith('-') ? [sort.slice(1), 'DESC'] : [sort, 'ASC'];
}

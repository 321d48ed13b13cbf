import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DomainError } from '../../../common/errors/domain-error';
import { DEFAULT_LIMIT } from '../../../common/pagination/pagination';
import { toPublicContract } from '../../transfer/contracts/contract.mappers';
import { ContractsRepository } from '../../transfer/contracts/contracts.repository';
import { toNeedResponse } from '../../transfer/needs/need.mappers';
import { NeedsRepository } from '../../transfer/needs/needs.repository';
import { toResultResponse } from '../../transfer/results/results.mappers';
import { ResultsRepository } from '../../transfer/results/results.repository';
import {
  OpenDataContractDto,
  OpenDataFeedQueryDto,
  OpenDataNeedDto,
  OpenDataResultDto,
} from './dto/transfer-feed.dto';
import { nextPage, parseCursor, parseInstant } from './open-data.service';
import { FeedKey, FeedKind, TransferFeedRepository } from './transfer-feed.repository';

export interface FeedPage<T> {
  uri: string;
  items: T[];
  links: { next: string | null };
  nextCursor: string | null;
}

/**
 * The open-data JSON feeds of the transfer loop (TRANSFER.md "Open data and statistics", ADR 0062):
 * public needs, published results and registered contracts, each in the public form its own list
 * answers (the same mappers), keyset-paged by the time of the last change like the OCDS export.
 */
@Injectable()
export class TransferFeedService {
  constructor(
    private readonly feeds: TransferFeedRepository,
    private readonly needsRepository: NeedsRepository,
    private readonly resultsRepository: ResultsRepository,
    private readonly contractsRepository: ContractsRepository,
  ) {}

  async needs(query: OpenDataFeedQueryDto, requestUrl: string): Promise<FeedPage<OpenDataNeedDto>> {
    const { keys, loaded: rows } = await this.read(query, 'needs', async (em, ids) =>
      inOrder(ids, await this.needsRepository.findByIds(ids, em)),
    );
    const contexts = await this.needsRepository.contexts(rows.map((n) => n.id));
    const items = rows.flatMap((n) => {
      const context = contexts.get(n.id);
      if (!context) return [];
      const p = toNeedResponse(n, context, 'public');
      return [
        {
          id: p.id,
          title: p.title,
          publicSummary: p.publicSummary,
          industryChain: p.industryChain,
          regionCode: p.regionCode,
          desiredOutcome: p.desiredOutcome,
          budgetMinFen: p.budgetMinFen,
          budgetMaxFen: p.budgetMaxFen,
          deadlineWish: p.deadlineWish,
          anonymous: p.anonymous,
          enterprise: p.enterprise,
          status: p.status,
          diagnosis: p.diagnosis,
          refinedAt: p.refinedAt,
          challengeId: p.challengeId,
          expiresAt: p.expiresAt,
          createdAt: p.createdAt,
          updatedAt: p.updatedAt,
        },
      ];
    });
    return page(items, keys, query, requestUrl);
  }

  async results(query: OpenDataFeedQueryDto, requestUrl: string): Promise<FeedPage<OpenDataResultDto>> {
    const { keys, loaded } = await this.read(query, 'results', async (em, ids) => ({
      rows: inOrder(ids, await this.resultsRepository.findByIds(ids, em)),
      confidential: await this.resultsRepository.hasConfidential(ids),
    }));
    const { rows, confidential } = loaded;
    const items = rows.map((r) => {
      const p = toResultResponse(r, confidential.has(r.id));
      return {
        id: p.id,
        status: p.status,
        source: p.source,
        title: p.title,
        abstract: p.abstract,
        type: p.type,
        industryChain: p.industryChain,
        keywords: p.keywords,
        trlClaimed: p.trlClaimed,
        verifiedTrl: p.verifiedTrl,
        ipRecords: p.ipRecords,
        // A holder without an organization may be a person: the feed names organizations only.
        holders: p.holders.filter((h) => h.organizationId !== null),
        transferModes: p.transferModes,
        priceGuidanceFen: p.priceGuidanceFen,
        organizationId: p.organizationId,
        projectId: p.projectId,
        challengeId: p.challengeId,
        indicators: p.indicators,
        hasConfidentialDetails: p.hasConfidentialDetails,
        publishedAt: p.publishedAt,
        updatedAt: p.updatedAt,
      };
    });
    return page(items, keys, query, requestUrl);
  }

  async contracts(query: OpenDataFeedQueryDto, requestUrl: string): Promise<FeedPage<OpenDataContractDto>> {
    const { keys, loaded } = await this.read(query, 'contracts', async (em, ids) => {
      const rows = inOrder(ids, await this.contractsRepository.findByIds(ids, em));
      const open = rows.filter((c) => !c.confidential);
      const names = await this.contractsRepository.organizationNames(
        open.flatMap((c) => [c.sellerOrganizationId, c.buyerOrganizationId]),
      );
      return { rows, names };
    });
    const { rows, names } = loaded;
    const items = rows.map((c) => ({ ...toPublicContract(c, names), updatedAt: c.updatedAt }));
    return page(items, keys, query, requestUrl);
  }

  /** The page of keys (one more than asked: is there a next page?) and what `load` reads of them, in one snapshot. */
  private read<R>(
    query: OpenDataFeedQueryDto,
    kind: FeedKind,
    load: (em: EntityManager, ids: string[]) => Promise<R>,
  ): Promise<{ keys: FeedKey[]; loaded: R }> {
    const since = query.since === undefined ? undefined : parseInstant(query.since);
    if (since === null)
      throw DomainError.validation([{ field: 'since', message: 'since is not a valid time' }]);
    const after = query.cursor === undefined ? undefined : parseCursor(query.cursor);
    const limit = query.limit ?? DEFAULT_LIMIT;
    return this.feeds.snapshot(async (em) => {
      const keys = await this.feeds.page(em, kind, { since, after, limit: limit + 1 });
      const ids = keys.slice(0, limit).map((k) => k.id);
      return { keys, loaded: await load(em, ids) };
    });
  }
}

/** The rows in the page's order (the keyset's), from one statement's rows in any order. */
function inOrder<T extends { id: string }>(ids: string[], rows: T[]): T[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** The page: its uri, the items, and the next cursor (the last item's key) when there are more. */
function page<T>(items: T[], keys: FeedKey[], query: OpenDataFeedQueryDto, requestUrl: string): FeedPage<T> {
  return { uri: requestUrl, items, ...nextPage(keys, query.limit ?? DEFAULT_LIMIT, requestUrl) };
}

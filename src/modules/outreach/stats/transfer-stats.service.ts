import { Injectable } from '@nestjs/common';
import { DomainError, FieldError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { dateProblem } from '../../platform/calendar/calendar-dates';
import { ContractFigureDto } from '../../transfer/contracts/dto/contract-response.dto';
import { TransferStatsDto, TransferStatsQueryDto } from './dto/transfer-stats.dto';
import { assembleFunnel } from './transfer-funnel';
import { GroupRow, TransferScope, TransferStatsRepository } from './transfer-stats.repository';

const count = (r: GroupRow) => ({ key: r.key, count: r.count });
const contractFigure = (r: GroupRow): ContractFigureDto => ({
  key: r.key,
  contracts: r.count,
  contractAmountFen: Number(r.contract_fen ?? 0),
  technologyTransactionAmountFen: Number(r.transaction_fen ?? 0),
});

/**
 * The public transfer figures (TRANSFER.md "Open data and statistics", ADR 0062): the funnel of
 * the needs filed in the period and the public counts of needs, results and contracts, live from
 * one read-only snapshot.
 */
@Injectable()
export class TransferStatsService {
  constructor(
    private readonly repository: TransferStatsRepository,
    private readonly clock: Clock,
  ) {}

  async transfer(query: TransferStatsQueryDto): Promise<TransferStatsDto> {
    const scope = await this.scopeOf(query);
    const generatedAt = this.clock.now().toISOString();
    const { funnelRows, needs, results, contracts } = await this.repository.snapshot(async (em) => ({
      funnelRows: await this.repository.funnel(em, scope),
      needs: await this.repository.needs(em, scope),
      results: await this.repository.results(em, scope),
      contracts: await this.repository.contracts(em, scope),
    }));
    const funnel = assembleFunnel(funnelRows);
    return {
      generatedAt,
      funnel: { steps: funnel.steps },
      funnelByChain: funnel.byChain,
      funnelByRegion: funnel.byRegion,
      needs: {
        total: needs.total.count,
        byStatus: needs.by.status.map(count),
        byIndustryChain: needs.by.chain.map(count),
        byRegion: needs.by.region.map(count),
      },
      results: {
        total: results.total.count,
        byType: results.by.type.map(count),
        byIndustryChain: results.by.chain.map(count),
        byVerifiedTrl: results.by.trl.map(count),
      },
      contracts: {
        total: contractFigure(contracts.total),
        byType: contracts.by.type.map(contractFigure),
        byIndustryChain: contracts.by.chain.map(contractFigure),
        byRegion: contracts.by.region.map(contractFigure),
      },
    };
  }

  /** The query checked beyond its shape: real calendar days, from ≤ to, a chain the taxonomy knows. */
  private async scopeOf(query: TransferStatsQueryDto): Promise<TransferScope> {
    const errors: FieldError[] = [];
    for (const field of ['from', 'to'] as const) {
      const value = query[field];
      const problem = value === undefined ? null : dateProblem(value);
      if (problem) errors.push({ field, message: `${field}: ${problem}` });
    }
    if (!errors.length && query.from !== undefined && query.to !== undefined && query.to < query.from) {
      errors.push({ field: 'to', message: 'to must not be before from' });
    }
    if (
      query.industryChainCode !== undefined &&
      !(await this.repository.chainExists(query.industryChainCode))
    ) {
      errors.push({ field: 'industryChainCode', message: 'industryChainCode is not a known industry chain' });
    }
    if (errors.length) throw DomainError.validation(errors);
    return {
      industryChainCode: query.industryChainCode,
      regionCode: query.regionCode,
      from: query.from,
      to: query.to,
    };
  }
}

import { Injectable } from '@nestjs/common';
import { ReadReplicas } from '../../../infra/database/read-replicas';
import { DataSource, EntityManager, In } from 'typeorm';
import { byCreation, Page, paginate } from '../../../common/pagination/pagination';
import type { ContractStatus, ContractType } from './contract-status';
import { ContractAttachmentEntity } from './entities/contract-attachment.entity';
import { TechnologyContractEntity } from './entities/technology-contract.entity';

/** Which contracts a caller lists: every filed one (registrars, admins), or its organization's. */
export type ContractListScope = { filed: true } | { organizationId: string };

/** One group of registered contracts. */
export interface ContractFigure {
  key: string;
  contracts: number;
  contractAmountFen: number;
  technologyTransactionAmountFen: number;
}

interface FigureRow {
  key: string | null;
  contracts: string;
  contract_amount_fen: string | null;
  technology_transaction_amount_fen: string | null;
}

const toFigure = (row: FigureRow | undefined, key?: string): ContractFigure => ({
  key: key ?? row?.key ?? '',
  contracts: Number(row?.contracts ?? 0),
  contractAmountFen: Number(row?.contract_amount_fen ?? 0),
  technologyTransactionAmountFen: Number(row?.technology_transaction_amount_fen ?? 0),
});

const FIGURES = `count(*) AS contracts, sum(contract_amount_fen) AS contract_amount_fen,
  sum(technology_transaction_amount_fen) AS technology_transaction_amount_fen`;

/** 360000 → '36' (province), 360100 → '3601' (city), 360102 → '360102' (county). */
function regionPrefix(region: string): string {
  if (region.endsWith('0000')) return region.slice(0, 2);
  if (region.endsWith('00')) return region.slice(0, 4);
  return region;
}

@Injectable()
export class ContractsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly replicas: ReadReplicas,
  ) {}

  findById(
    id: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<TechnologyContractEntity | null> {
    return em.findOne(TechnologyContractEntity, { where: { id } });
  }

  /** The rows of these ids in one statement (any order; ids without a row left out). */
  findByIds(ids: string[], em: EntityManager = this.dataSource.manager): Promise<TechnologyContractEntity[]> {
    return ids.length ? em.findBy(TechnologyContractEntity, { id: In(ids) }) : Promise.resolve([]);
  }

  /** The row locked FOR UPDATE until the transaction ends: every change goes through it. */
  findByIdForUpdate(em: EntityManager, id: string): Promise<TechnologyContractEntity | null> {
    return em.findOne(TechnologyContractEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async attachmentIdsOf(contractId: string, em: EntityManager = this.dataSource.manager): Promise<string[]> {
    const rows = await em.find(ContractAttachmentEntity, {
      where: { contractId },
      order: { position: 'ASC' },
    });
    return rows.map((r) => r.attachmentId);
  }

  async replaceAttachments(em: EntityManager, contractId: string, attachmentIds: string[]): Promise<void> {
    await em.delete(ContractAttachmentEntity, { contractId });
    if (!attachmentIds.length) return;
    await em.insert(
      ContractAttachmentEntity,
      attachmentIds.map((attachmentId, position) => ({ contractId, attachmentId, position })),
    );
  }

  /**
   * The next registration number of (region, year), inside the registering transaction: the counter
   * row stays locked until commit, so concurrent registrations of the region queue, and a rollback
   * gives the number back (docs/adr/0061).
   */
  async nextRegistrationNumber(em: EntityManager, regionCode: string, year: number): Promise<number> {
    const [row] = await em.query<Array<{ last_value: number }>>(
      `INSERT INTO technology_contract_counters (region_code, year, last_value) VALUES ($1, $2, 1)
       ON CONFLICT (region_code, year) DO UPDATE SET last_value = technology_contract_counters.last_value + 1
       RETURNING last_value`,
      [regionCode, year],
    );
    return row.last_value;
  }

  /** Which of the ids name organizations (FOR KEY SHARE: they stay while the contract commits). */
  async existingOrganizations(em: EntityManager, ids: string[]): Promise<Set<string>> {
    const rows = await em.query<Array<{ id: string }>>(
      `SELECT id FROM organizations WHERE id = ANY($1::uuid[]) FOR KEY SHARE`,
      [ids],
    );
    return new Set(rows.map((r) => r.id));
  }

  async projectExists(em: EntityManager, projectId: string): Promise<boolean> {
    const rows = await em.query<unknown[]>(`SELECT 1 FROM projects WHERE id = $1 FOR KEY SHARE`, [projectId]);
    return rows.length > 0;
  }

  /** Whether the id names a need (locked against deletion while the contract row is written). */
  async needExists(em: EntityManager, needId: string): Promise<boolean> {
    const rows = await em.query<unknown[]>(`SELECT 1 FROM needs WHERE id = $1 FOR KEY SHARE`, [needId]);
    return rows.length > 0;
  }

  /** Whether the id names a result. */
  /** Whether a result is in the public library (published): its transfers are listed only then. */
  async resultPublished(resultId: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM results WHERE id = $1 AND status = 'published'`,
      [resultId],
    );
    return rows.length > 0;
  }

  async resultExists(em: EntityManager, resultId: string): Promise<boolean> {
    const rows = await em.query<unknown[]>(`SELECT 1 FROM results WHERE id = $1 FOR KEY SHARE`, [resultId]);
    return rows.length > 0;
  }

  /** Whether the id names an enabled user (a broker). */
  async enabledUserExists(em: EntityManager, userId: string): Promise<boolean> {
    const rows = await em.query<unknown[]>(`SELECT 1 FROM users WHERE id = $1 AND enabled FOR KEY SHARE`, [
      userId,
    ]);
    return rows.length > 0;
  }

  async organizationNames(ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = await this.dataSource.query<Array<{ id: string; name: string }>>(
      `SELECT id, name FROM organizations WHERE id = ANY($1::uuid[])`,
      [[...new Set(ids)]],
    );
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** The contracts a caller may list, newest first: every one filed (not drafts), or its organization's. */
  list(
    scope: ContractListScope,
    query: { status?: ContractStatus[]; limit?: number; cursor?: string },
  ): Promise<Page<TechnologyContractEntity>> {
    const qb = this.dataSource.getRepository(TechnologyContractEntity).createQueryBuilder('c');
    if ('organizationId' in scope) {
      qb.where('(c.seller_organization_id = :org OR c.buyer_organization_id = :org)', {
        org: scope.organizationId,
      });
    } else {
      qb.where(`c.status <> 'draft'`);
    }
    if (query.status?.length) qb.andWhere('c.status IN (:...statuses)', { statuses: query.status });
    return paginate(qb, byCreation('c'), query);
  }

  /**
   * Registered contracts, most recently registered first (ix_technology_contracts_registered); on
   * `source`, a read replica for the public register (ADR 0065).
   */
  listRegistered(
    query: {
      type?: ContractType;
      industryChain?: string;
      region?: string;
      resultId?: string;
      limit?: number;
      cursor?: string;
    },
    source: DataSource = this.dataSource,
  ): Promise<Page<TechnologyContractEntity>> {
    const qb = source
      .getRepository(TechnologyContractEntity)
      .createQueryBuilder('c')
      .where(`c.status = 'registered'`);
    if (query.type) qb.andWhere('c.type = :type', { type: query.type });
    if (query.industryChain) qb.andWhere('c.industry_chain_code = :chain', { chain: query.industryChain });
    if (query.region) qb.andWhere('c.region_code LIKE :region', { region: `${regionPrefix(query.region)}%` });
    if (query.resultId) qb.andWhere('c.result_id = :resultId', { resultId: query.resultId });
    return paginate(
      qb,
      [
        { expression: 'c.registered_at', value: (c) => c.registeredAt as Date, cast: 'timestamptz' },
        { expression: 'c.id', value: (c) => c.id, cast: 'uuid' },
      ],
      query,
    );
  }

  /**
   * Registered contracts by chain, region, type, and those brokered, in one snapshot (`GET
   * /contracts/stats`): on a read replica within its bound when there is one (ADR 0065).
   */
  async figures(): Promise<{
    total: ContractFigure;
    byIndustryChain: ContractFigure[];
    byRegion: ContractFigure[];
    byType: ContractFigure[];
    brokered: ContractFigure;
  }> {
    return this.replicas.snapshot(async (em) => {
      const grouped = async (column: string) =>
        (
          await em.query<FigureRow[]>(
            `SELECT ${column} AS key, ${FIGURES} FROM technology_contracts
             WHERE status = 'registered' GROUP BY ${column} ORDER BY ${column}`,
          )
        ).map((row) => toFigure(row));
      const [total] = await em.query<FigureRow[]>(
        `SELECT ${FIGURES} FROM technology_contracts WHERE status = 'registered'`,
      );
      const [brokered] = await em.query<FigureRow[]>(
        `SELECT ${FIGURES} FROM technology_contracts WHERE status = 'registered' AND broker_user_id IS NOT NULL`,
      );
      return {
        total: toFigure(total, 'all'),
        byIndustryChain: await grouped('industry_chain_code'),
        byRegion: await grouped('region_code'),
        byType: await grouped('type'),
        brokered: toFigure(brokered, 'brokered'),
      };
    });
  }

  /** Registered contracts per broker user id. */
  async brokerFigures(): Promise<ContractFigure[]> {
    const rows = await this.dataSource.query<FigureRow[]>(
      `SELECT broker_user_id::text AS key, ${FIGURES} FROM technology_contracts
       WHERE status = 'registered' AND broker_user_id IS NOT NULL
       GROUP BY broker_user_id ORDER BY broker_user_id`,
    );
    return rows.map((row) => toFigure(row));
  }
}

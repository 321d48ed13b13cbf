import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { Principal, requireUser } from '../../../common/auth/principal';
import { recordUndertaking, UndertakingGate } from '../../../common/confidentiality/undertaking';
import { DomainError } from '../../../common/errors/domain-error';
import { Page } from '../../../common/pagination/pagination';
import { Clock } from '../../../infra/clock/clock';
import { ReadReplicas } from '../../../infra/database/read-replicas';
import { ListResultsQueryDto } from './dto/list-results.query';
import {
  ResultConfidentialResponseDto,
  ResultNdaResponseDto,
  ResultResponseDto,
} from './dto/result-response.dto';
import { ResultEntity } from './entities/result.entity';
import { canSee, isHolder, isVetter } from './results-access';
import { RESULT_ACTIONS, RESULT_ENTITY } from './results.constants';
import { toResultResponse } from './results.mappers';
import { ResultListing, ResultsRepository } from './results.repository';
import { RESULT_MACHINE } from './results-status';

const NDA_GATE: UndertakingGate = {
  table: 'result_ndas',
  keyColumn: 'result_id',
  auditAction: RESULT_ACTIONS.ndaAccepted,
  objectType: RESULT_ENTITY,
};

/**
 * Reading the results library: the public list and detail (published results, no confidential
 * field), the holder's and the vetters' views, and the confidential details behind the same
 * undertaking (保密承诺) the challenge lists use.
 */
@Injectable()
export class ResultsQueriesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly results: ResultsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly replicas: ReadReplicas,
  ) {}

  async list(actor: Principal | undefined, query: ListResultsQueryDto): Promise<Page<ResultResponseDto>> {
    const listing = this.listingOf(actor, query);
    // Anonymous public pages may come from a read replica (ADR 0065); signed-in callers read the primary.
    const page =
      listing.kind === 'public' && !actor
        ? await this.replicas.read((source) => this.results.page(listing, query, source))
        : await this.results.page(listing, query);
    const confidential = await this.results.hasConfidential(page.items.map((r) => r.id));
    return {
      items: page.items.map((r) => toResultResponse(r, confidential.has(r.id))),
      nextCursor: page.nextCursor,
    };
  }

  async get(actor: Principal | undefined, id: string): Promise<ResultResponseDto> {
    const r = await this.requireVisible(actor, id);
    const confidential = await this.results.hasConfidential([r.id]);
    return toResultResponse(r, confidential.has(r.id));
  }

  /** Records the caller's undertaking once (audited); a repeat returns the first record. */
  async acceptNda(actor: Principal, id: string): Promise<ResultNdaResponseDto> {
    const user = requireUser(actor, 'An undertaking is made by a person');
    return this.dataSource.transaction(async (em) => {
      const r = await this.results.findById(id, em);
      if (!r || !canSee(actor, r)) throw DomainError.notFound('Result');
      if (!RESULT_MACHINE.can(r.status, 'accept_nda'))
        throw DomainError.invalidTransition(r.status, 'accept_nda');
      const undertaking = await recordUndertaking(em, this.audit, NDA_GATE, id, user, this.clock.now());
      return { resultId: id, ...undertaking };
    });
  }

  /** The holder, brokers and admins always; anyone else after the undertaking (403 NDA_REQUIRED before). */
  async getConfidential(actor: Principal, id: string): Promise<ResultConfidentialResponseDto> {
    const r = await this.requireVisible(actor, id);
    if (!isHolder(actor, r) && !isVetter(actor)) {
      if (actor.kind !== 'user') {
        throw new DomainError(
          'FORBIDDEN',
          'Only people who made the undertaking read the confidential details',
        );
      }
      if (!(await this.results.findNda(id, actor.userId))) {
        throw new DomainError(
          'NDA_REQUIRED',
          'Record the non-disclosure undertaking for this result first: POST /results/{id}/nda',
        );
      }
    }
    const confidential = await this.results.confidential(id);
    return {
      resultId: id,
      details: confidential?.details ?? '',
      updatedAt: confidential?.updatedAt ?? r.updatedAt,
    };
  }

  private async requireVisible(actor: Principal | undefined, id: string): Promise<ResultEntity> {
    const r = await this.results.findById(id);
    if (!r || !canSee(actor, r)) throw DomainError.notFound('Result');
    return r;
  }

  /** public: anyone; mine: a person of an organization; all: admins and brokers (403 otherwise). */
  private listingOf(actor: Principal | undefined, query: ListResultsQueryDto): ResultListing {
    const scope = query.scope ?? 'public';
    if (scope === 'public') return { kind: 'public' };
    if (!actor) {
      throw new DomainError('UNAUTHENTICATED', `scope=${scope} needs credentials`, {
        headers: { 'WWW-Authenticate': 'Bearer' },
      });
    }
    if (scope === 'all') {
      if (!isVetter(actor)) throw new DomainError('FORBIDDEN', 'scope=all is for admins and brokers');
      return { kind: 'all' };
    }
    if (!actor.organizationId) throw new DomainError('FORBIDDEN', 'scope=mine needs an organization');
    return { kind: 'organization', organizationId: actor.organizationId };
  }
}

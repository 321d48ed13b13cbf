import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { hasRole, isAdmin, Principal } from '../../../common/auth/principal';
import { recordUndertaking, UndertakingGate } from '../../../common/confidentiality/undertaking';
import { DomainError } from '../../../common/errors/domain-error';
import { Page } from '../../../common/pagination/pagination';
import { Clock } from '../../../infra/clock/clock';
import { ReadReplicas } from '../../../infra/database/read-replicas';
import { CentreScope } from '../network/centre-scope.service';
import { ListNeedsQueryDto } from './dto/list-needs.query';
import { NeedConfidentialResponseDto, NeedNdaResponseDto, NeedResponseDto } from './dto/need-response.dto';
import type { NeedEntity } from './entities/need.entity';
import { NeedAccess } from './need-access.service';
import { NEED_AUDIT, NEED_ENTITY } from './need-events';
import { NeedView, toNeedResponse } from './need.mappers';
import { NeedFilter, NeedsRepository } from './needs.repository';
import { NEED_MACHINE, PUBLIC_NEED_STATUSES } from './needs-status';

const NDA_GATE: UndertakingGate = {
  table: 'need_ndas',
  keyColumn: 'need_id',
  auditAction: NEED_AUDIT.ndaAccepted,
  objectType: NEED_ENTITY,
};

/**
 * Reading needs: the list by scope (public, mine, centre, all), one need in the view the caller is
 * entitled to, and the confidential details behind the undertaking (the challenges' gate).
 */
@Injectable()
export class NeedQueriesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly needs: NeedsRepository,
    private readonly access: NeedAccess,
    private readonly scope: CentreScope,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly replicas: ReadReplicas,
  ) {}

  async get(actor: Principal | undefined, id: string): Promise<NeedResponseDto> {
    const em = this.dataSource.manager;
    const need = await this.needs.findById(id, em);
    const view = await this.access.requireView(em, actor, need);
    return (await this.render([need!], () => view))[0];
  }

  async list(actor: Principal | undefined, query: ListNeedsQueryDto): Promise<Page<NeedResponseDto>> {
    const filter = await this.filterFor(actor, query);
    const fullScope = (query.scope ?? 'public') !== 'public';
    // Anonymous public pages may come from a read replica (ADR 0065); signed-in callers read the primary.
    const page =
      !fullScope && !actor
        ? await this.replicas.read((source) => this.needs.page(filter, source))
        : await this.needs.page(filter);
    return {
      items: await this.render(page.items, () => (fullScope ? 'full' : 'public')),
      nextCursor: page.nextCursor,
    };
  }

  async confidential(actor: Principal, id: string): Promise<NeedConfidentialResponseDto> {
    const em = this.dataSource.manager;
    const need = await this.needs.findById(id, em);
    const view = await this.access.requireView(em, actor, need);
    if (view !== 'full') {
      if (actor.kind !== 'user' || !hasRole(actor, 'applicant')) {
        throw new DomainError(
          'FORBIDDEN',
          'Only the enterprise, its brokers, admins and undertakers read this',
        );
      }
      if (!(await this.needs.findNda(id, actor.userId))) {
        throw new DomainError(
          'NDA_REQUIRED',
          'Record the non-disclosure undertaking first: POST /needs/{id}/nda',
        );
      }
    }
    return { needId: id, details: await this.needs.confidential(id) };
  }

  /** The caller's undertaking for a public need, once (audited); a repeat returns the first. */
  async acceptNda(actor: Principal, id: string): Promise<NeedNdaResponseDto> {
    if (actor.kind !== 'user' || !hasRole(actor, 'applicant')) {
      throw new DomainError('FORBIDDEN', 'An undertaking is made by a person of an applicant organization');
    }
    const user = actor;
    return this.dataSource.transaction(async (em) => {
      const need = await this.needs.findById(id, em);
      await this.access.requireView(em, actor, need);
      NEED_MACHINE.assert(need!.status, 'accept_nda');
      const undertaking = await recordUndertaking(em, this.audit, NDA_GATE, id, user, this.clock.now());
      return { needId: id, ...undertaking };
    });
  }

  private async filterFor(actor: Principal | undefined, query: ListNeedsQueryDto): Promise<NeedFilter> {
    const base = {
      limit: query.limit,
      cursor: query.cursor,
      status: query.status,
      industryChain: query.industryChain,
    };
    switch (query.scope ?? 'public') {
      case 'public':
        return { ...base, statuses: PUBLIC_NEED_STATUSES };
      case 'mine':
        if (!actor || actor.kind !== 'user') throw this.needsCredentials(actor);
        return { ...base, enterpriseOrganizationId: actor.organizationId };
      case 'centre': {
        if (!actor) throw this.needsCredentials(actor);
        const broker = await this.scope.activeBroker(this.dataSource.manager, actor);
        if (!broker) throw new DomainError('FORBIDDEN', 'scope=centre is for brokers with an active profile');
        const ids = await this.scope.covered(this.dataSource.manager, broker);
        return { ...base, centres: { ids, brokerUserId: broker.userId } };
      }
      case 'all':
        if (!actor) throw this.needsCredentials(actor);
        if (!isAdmin(actor)) throw new DomainError('FORBIDDEN', 'scope=all is for admins');
        return base;
    }
  }

  private needsCredentials(actor: Principal | undefined): DomainError {
    return actor
      ? new DomainError('FORBIDDEN', 'scope=mine is for people of an organization')
      : new DomainError('UNAUTHENTICATED', 'This scope needs credentials', {
          headers: { 'WWW-Authenticate': 'Bearer' },
        });
  }

  private async render(needs: NeedEntity[], viewOf: (n: NeedEntity) => NeedView): Promise<NeedResponseDto[]> {
    const contexts = await this.needs.contexts(needs.map((n) => n.id));
    return needs.map((n) => {
      const context = contexts.get(n.id);
      if (!context) throw new Error(`Need ${n.id} has no context`);
      return toNeedResponse(n, context, viewOf(n));
    });
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import type { Principal } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import { mapPage, Page, PageQueryDto } from '../../../common/pagination/pagination';
import { Clock } from '../../../infra/clock/clock';
import { TaxonomyService } from '../../platform/taxonomy/taxonomy.service';
import { CreateNeedRouteDto, NeedRouteResponseDto, toNeedRouteResponse } from './dto/network.dto';
import { NEED_ROUTE_ENTITY, NETWORK_AUDIT } from './network-events';
import { NeedRoutesRepository } from './need-routes.repository';

/** The routing table an admin maintains: region code + optional industry chain → service centre. */
@Injectable()
export class NeedRoutesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly routes: NeedRoutesRepository,
    private readonly taxonomy: TaxonomyService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async list(query: PageQueryDto): Promise<Page<NeedRouteResponseDto>> {
    return mapPage(await this.routes.listNewestFirst(query), toNeedRouteResponse);
  }

  async create(actor: Principal, dto: CreateNeedRouteDto): Promise<NeedRouteResponseDto> {
    const route = await this.dataSource.transaction(async (em) => {
      const chain = dto.industryChain ?? '';
      if (chain) await this.taxonomy.assertActiveIndustryChain(em, chain);
      if (!(await this.routes.isServiceCentre(em, dto.centreOrganizationId))) {
        throw DomainError.validation([
          { field: 'centreOrganizationId', message: 'not a service_center organization' },
        ]);
      }
      const now = this.clock.now();
      const saved = await this.routes.insert(em, {
        regionCode: dto.regionCode,
        industryChainCode: chain,
        centreOrganizationId: dto.centreOrganizationId,
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      if (!saved) {
        throw new DomainError('ALREADY_EXISTS', 'A route for this region and chain exists; delete it first');
      }
      await this.audit.record(em, {
        actor,
        action: NETWORK_AUDIT.routeCreated,
        objectType: NEED_ROUTE_ENTITY,
        objectId: saved.id,
        after: {
          regionCode: saved.regionCode,
          industryChain: chain || null,
          centreOrganizationId: saved.centreOrganizationId,
        },
      });
      return saved;
    });
    return toNeedRouteResponse(route);
  }

  async delete(actor: Principal, id: string): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const route = await this.routes.delete(em, id);
      if (!route) throw DomainError.notFound('Route');
      await this.audit.record(em, {
        actor,
        action: NETWORK_AUDIT.routeDeleted,
        objectType: NEED_ROUTE_ENTITY,
        objectId: id,
        before: {
          regionCode: route.regionCode,
          industryChain: route.industryChainCode || null,
          centreOrganizationId: route.centreOrganizationId,
        },
      });
    });
  }
}

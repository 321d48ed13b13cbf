import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { hasRole, isAdmin, Principal } from '../../../common/auth/principal';
import { assertVersion, requireIfMatch } from '../../../common/concurrency/etag';
import { DomainError } from '../../../common/errors/domain-error';
import { mapPage, Page, PageQueryDto } from '../../../common/pagination/pagination';
import { Clock } from '../../../infra/clock/clock';
import { TaxonomyService } from '../../platform/taxonomy/taxonomy.service';
import { BrokersRepository } from './brokers.repository';
import {
  BrokerProfileResponseDto,
  CreateBrokerProfileDto,
  toBrokerProfileResponse,
  UpdateBrokerProfileDto,
} from './dto/network.dto';
import { BrokerProfileEntity } from './entities/broker-profile.entity';
import { assertActiveChains } from './industry-chains';
import { BROKER_ENTITY, NETWORK_AUDIT } from './network-events';

function snapshot(b: BrokerProfileEntity) {
  return {
    userId: b.userId,
    organizationId: b.organizationId,
    industryChains: b.industryChains,
    keywords: b.keywords,
    regionCode: b.regionCode,
    certificateNumber: b.certificateNumber,
    active: b.active,
  };
}

/** Broker profiles: the admin creates and manages them; a broker reads and edits its own. */
@Injectable()
export class BrokersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly brokers: BrokersRepository,
    private readonly taxonomy: TaxonomyService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async list(query: PageQueryDto): Promise<Page<BrokerProfileResponseDto>> {
    return mapPage(await this.brokers.listNewestFirst(query), toBrokerProfileResponse);
  }

  /** The profile of a user with the broker role in a service centre (one per user). */
  async create(actor: Principal, dto: CreateBrokerProfileDto): Promise<BrokerProfileResponseDto> {
    const saved = await this.dataSource.transaction(async (em) => {
      const user = await this.brokers.userAndOrganization(em, dto.userId);
      if (!user) throw DomainError.validation([{ field: 'userId', message: 'no such user' }]);
      if (!user.roles.includes('broker') || user.organizationType !== 'service_center') {
        throw DomainError.validation([
          { field: 'userId', message: 'the user must hold the broker role in a service_center organization' },
        ]);
      }
      await assertActiveChains(this.taxonomy, em, dto.industryChains, 'industryChains');
      if (await this.brokers.findByUser(dto.userId, em)) {
        throw new DomainError('ALREADY_EXISTS', 'This user already has a broker profile');
      }
      const now = this.clock.now();
      const profile = await this.brokers.save(
        em,
        em.create(BrokerProfileEntity, {
          userId: dto.userId,
          organizationId: user.organizationId,
          industryChains: dto.industryChains,
          keywords: dto.keywords,
          regionCode: dto.regionCode,
          certificateNumber: dto.certificateNumber.trim(),
          active: dto.active ?? true,
          version: 1,
          createdAt: now,
          updatedAt: now,
        }),
      );
      await this.audit.record(em, {
        actor,
        action: NETWORK_AUDIT.brokerCreated,
        objectType: BROKER_ENTITY,
        objectId: profile.id,
        after: snapshot(profile),
      });
      return profile;
    });
    return toBrokerProfileResponse(saved);
  }

  async get(actor: Principal, id: string): Promise<BrokerProfileResponseDto> {
    const profile = await this.brokers.findById(id);
    if (!profile || !this.maySee(actor, profile)) throw DomainError.notFound('Broker profile');
    return toBrokerProfileResponse(profile);
  }

  async mine(actor: Principal): Promise<BrokerProfileResponseDto> {
    const profile = actor.kind === 'user' ? await this.brokers.findByUser(actor.userId) : null;
    if (!profile) throw DomainError.notFound('Broker profile');
    return toBrokerProfileResponse(profile);
  }

  /** Admin: every field; the broker: its own profile's fields but `active`. If-Match required. */
  async update(
    actor: Principal,
    id: string,
    dto: UpdateBrokerProfileDto,
    expectedVersion: number | undefined,
  ): Promise<BrokerProfileResponseDto> {
    requireIfMatch(expectedVersion, 'edits of a broker profile');
    const saved = await this.dataSource.transaction(async (em) => {
      const profile = await this.brokers.findByIdForUpdate(em, id);
      if (!profile || !this.maySee(actor, profile)) throw DomainError.notFound('Broker profile');
      if (dto.active !== undefined && !isAdmin(actor)) {
        throw new DomainError('FORBIDDEN', 'Only an admin activates or deactivates a broker');
      }
      assertVersion(profile.version, expectedVersion);
      if (dto.industryChains)
        await assertActiveChains(this.taxonomy, em, dto.industryChains, 'industryChains');
      const before = snapshot(profile);
      Object.assign(profile, {
        industryChains: dto.industryChains ?? profile.industryChains,
        keywords: dto.keywords ?? profile.keywords,
        regionCode: dto.regionCode ?? profile.regionCode,
        certificateNumber: dto.certificateNumber?.trim() ?? profile.certificateNumber,
        active: dto.active ?? profile.active,
        version: profile.version + 1,
        updatedAt: this.clock.now(),
      });
      await this.brokers.save(em, profile);
      await this.audit.record(em, {
        actor,
        action: NETWORK_AUDIT.brokerUpdated,
        objectType: BROKER_ENTITY,
        objectId: id,
        before,
        after: snapshot(profile),
      });
      return profile;
    });
    return toBrokerProfileResponse(saved);
  }

  private maySee(actor: Principal, profile: BrokerProfileEntity): boolean {
    if (isAdmin(actor)) return true;
    return actor.kind === 'user' && hasRole(actor, 'broker') && actor.userId === profile.userId;
  }
}

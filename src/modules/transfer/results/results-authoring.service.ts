import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { Principal, requireUser } from '../../../common/auth/principal';
import { assertVersion } from '../../../common/concurrency/etag';
import { DomainError, FieldError } from '../../../common/errors/domain-error';
import { Clock } from '../../../infra/clock/clock';
import { OutboxService } from '../../../infra/events/outbox.service';
import { TaxonomyService } from '../../platform/taxonomy/taxonomy.service';
import { CreateResultDto, UpdateResultDto } from './dto/result-input.dto';
import { ResultResponseDto } from './dto/result-response.dto';
import { ResultEntity } from './entities/result.entity';
import { canSee, isHolder } from './results-access';
import { RESULT_ACTIONS, RESULT_ENTITY, RESULT_EVENTS } from './results.constants';
import { resultEventData, toResultResponse } from './results.mappers';
import { ResultMatching } from './result-matching';
import { ResultsRepository } from './results.repository';
import { RESULT_MACHINE, ResultAction } from './results-status';

/**
 * A result entered by its holder (any organization user): drafted, edited, submitted to vetting,
 * withdrawn (docs/adr/0059). The holder never sets verifiedTrl: it comes only from an acceptance.
 */
@Injectable()
export class ResultsAuthoringService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly results: ResultsRepository,
    private readonly taxonomy: TaxonomyService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    private readonly matching: ResultMatching,
  ) {}

  async create(actor: Principal, dto: CreateResultDto): Promise<ResultResponseDto> {
    const user = requireUser(actor, 'A result is entered by a person of its holder organization');
    const result = await this.dataSource.transaction(async (em): Promise<ResultEntity> => {
      await this.taxonomy.assertActiveIndustryChain(em, dto.industryChain);
      const now = this.clock.now();
      const saved = await em.save(
        em.create(ResultEntity, {
          status: RESULT_MACHINE.initial('create'),
          source: 'submission',
          title: dto.title.trim(),
          abstract: dto.abstract.trim(),
          type: dto.type,
          industryChainCode: dto.industryChain,
          keywords: dto.keywords.map((k) => k.trim()),
          trlClaimed: dto.trlClaimed,
          verifiedTrl: null,
          ipRecords: dto.ipRecords.map((ip) => ({ ...ip })),
          holders: dto.holders.map((h) => ({
            name: h.name.trim(),
            organizationId: h.organizationId ?? null,
          })),
          transferModes: [...new Set(dto.transferModes)],
          priceGuidanceFen: dto.priceGuidanceFen ?? null,
          organizationId: user.organizationId,
          projectId: null,
          challengeId: null,
          acceptanceId: null,
          indicators: [],
          returnReason: null,
          submittedAt: null,
          publishedAt: null,
          version: 1,
          createdAt: now,
          updatedAt: now,
        }),
      );
      if (dto.confidentialDetails !== undefined)
        await this.results.saveConfidential(em, saved.id, dto.confidentialDetails, now);
      await this.audit.record(em, {
        actor,
        action: RESULT_ACTIONS.created,
        objectType: RESULT_ENTITY,
        objectId: saved.id,
        before: null,
        after: { ...resultEventData(saved), hasConfidentialDetails: !!dto.confidentialDetails },
      });
      return saved;
    });
    return toResultResponse(result, !!dto.confidentialDetails);
  }

  async update(
    actor: Principal,
    id: string,
    dto: UpdateResultDto,
    expectedVersion?: number,
  ): Promise<ResultResponseDto> {
    const { result, hasConfidential } = await this.dataSource.transaction(async (em) => {
      const r = await this.lockOwn(em, actor, id, 'update', expectedVersion);
      if (dto.industryChain !== undefined)
        await this.taxonomy.assertActiveIndustryChain(em, dto.industryChain);
      const before = resultEventData(r);
      const now = this.clock.now();
      if (dto.title !== undefined) r.title = dto.title.trim();
      if (dto.abstract !== undefined) r.abstract = dto.abstract.trim();
      if (dto.type !== undefined) r.type = dto.type;
      if (dto.industryChain !== undefined) r.industryChainCode = dto.industryChain;
      if (dto.keywords !== undefined) r.keywords = dto.keywords.map((k) => k.trim());
      if (dto.trlClaimed !== undefined) r.trlClaimed = dto.trlClaimed;
      if (dto.ipRecords !== undefined) r.ipRecords = dto.ipRecords.map((ip) => ({ ...ip }));
      if (dto.holders !== undefined)
        r.holders = dto.holders.map((h) => ({
          name: h.name.trim(),
          organizationId: h.organizationId ?? null,
        }));
      if (dto.transferModes !== undefined) r.transferModes = [...new Set(dto.transferModes)];
      if (dto.priceGuidanceFen !== undefined) r.priceGuidanceFen = dto.priceGuidanceFen;
      if (dto.confidentialDetails !== undefined)
        await this.results.saveConfidential(em, r.id, dto.confidentialDetails, now);
      r.status = RESULT_MACHINE.target(r.status, 'update');
      r.version += 1;
      r.updatedAt = now;
      await em.save(r);
      await this.matching.sync(em, r);
      await this.audit.record(em, {
        actor,
        action: RESULT_ACTIONS.updated,
        objectType: RESULT_ENTITY,
        objectId: r.id,
        before,
        after: { ...resultEventData(r), confidentialDetailsChanged: dto.confidentialDetails !== undefined },
      });
      const confidential = await this.results.confidential(r.id, em);
      return { result: r, hasConfidential: !!confidential?.details };
    });
    return toResultResponse(result, hasConfidential);
  }

  /** To vetting: 422 naming what a result needs before a broker can look at it. */
  async submit(actor: Principal, id: string, expectedVersion?: number): Promise<ResultResponseDto> {
    return this.move(actor, id, 'submit', expectedVersion, (r, now) => {
      const missing = incomplete(r);
      if (missing.length) {
        throw new DomainError('BUSINESS_RULE_VIOLATION', 'The result is not complete enough to submit', {
          errors: missing,
        });
      }
      r.submittedAt = now;
      r.returnReason = null;
    });
  }

  async withdraw(actor: Principal, id: string, expectedVersion?: number): Promise<ResultResponseDto> {
    return this.move(actor, id, 'withdraw', expectedVersion, () => undefined);
  }

  private async move(
    actor: Principal,
    id: string,
    action: 'submit' | 'withdraw',
    expectedVersion: number | undefined,
    apply: (r: ResultEntity, now: Date) => void,
  ): Promise<ResultResponseDto> {
    const { result, hasConfidential } = await this.dataSource.transaction(async (em) => {
      const r = await this.lockOwn(em, actor, id, action, expectedVersion);
      const before = r.status;
      const now = this.clock.now();
      apply(r, now);
      r.status = RESULT_MACHINE.target(r.status, action);
      r.version += 1;
      r.updatedAt = now;
      await em.save(r);
      await this.matching.sync(em, r);
      const event = action === 'submit' ? RESULT_EVENTS.submitted : RESULT_EVENTS.withdrawn;
      await this.audit.record(em, {
        actor,
        action: action === 'submit' ? RESULT_ACTIONS.submitted : RESULT_ACTIONS.withdrawn,
        objectType: RESULT_ENTITY,
        objectId: r.id,
        before: { status: before },
        after: { status: r.status },
      });
      await this.outbox.publish(em, {
        type: event,
        aggregateType: RESULT_ENTITY,
        aggregateId: r.id,
        data: resultEventData(r),
      });
      const confidential = await this.results.confidential(r.id, em);
      return { result: r, hasConfidential: !!confidential?.details };
    });
    return toResultResponse(result, hasConfidential);
  }

  /** The caller's own result, locked: 404 unseen, 403 not the holder, 409 stale or the wrong state. */
  private async lockOwn(
    em: EntityManager,
    actor: Principal,
    id: string,
    action: ResultAction,
    expectedVersion?: number,
  ): Promise<ResultEntity> {
    const r = await this.results.lockById(em, id);
    if (!r || !canSee(actor, r)) throw DomainError.notFound('Result');
    if (!isHolder(actor, r))
      throw new DomainError('FORBIDDEN', 'Only the holder organization changes its result');
    assertVersion(r.version, expectedVersion);
    if (!RESULT_MACHINE.can(r.status, action)) throw DomainError.invalidTransition(r.status, action);
    return r;
  }
}

/** What a result needs before vetting (a draft from an acceptance lacks the claimed TRL and the modes). */
function incomplete(r: ResultEntity): FieldError[] {
  return [
    r.trlClaimed === null ? { field: 'trlClaimed', message: 'set the claimed TRL (1–9) first' } : null,
    r.transferModes.length ? null : { field: 'transferModes', message: 'offer at least one transfer mode' },
  ].filter((e): e is FieldError => e !== null);
}

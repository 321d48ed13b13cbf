import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { Principal } from '../../../common/auth/principal';
import { assertVersion } from '../../../common/concurrency/etag';
import { DomainError } from '../../../common/errors/domain-error';
import { JsonObject } from '../../../common/json';
import { mapPage, Page } from '../../../common/pagination/pagination';
import { Clock } from '../../../infra/clock/clock';
import {
  CreateProgramDto,
  ListProgramsQueryDto,
  ProgramResponseDto,
  toProgramResponse,
  toRubric,
  UpdateProgramDto,
} from './dto/program.dto';
import { ProgramEntity } from './entities/program.entity';
import {
  DEFAULT_PROGRAM_SETTINGS,
  defaultRubric,
  mergeProgramSettings,
  ProgramSettings,
  Rubric,
  validateProgramSettings,
  validateRubric,
} from './program-settings';
import { ProgramsRepository } from './programs.repository';

/** The audit actions of a program. */
export const PROGRAM_AUDIT = {
  created: 'program.created',
  updated: 'program.updated',
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function snapshot(program: ProgramEntity): JsonObject {
  return { ...toProgramResponse(program) } as unknown as JsonObject;
}

/** Both documents checked together, so one answer lists every problem. */
function assertValidDocuments(settings: ProgramSettings, rubric: Rubric): void {
  const errors = [...validateProgramSettings(settings), ...validateRubric(rubric)];
  if (errors.length) throw DomainError.validation(errors);
}

@Injectable()
export class ProgramsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly programs: ProgramsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** The program with its complete, typed settings and rubric, or null. */
  findById(id: string, em?: EntityManager): Promise<ProgramEntity | null> {
    if (!UUID.test(id)) return Promise.resolve(null);
    return this.programs.findById(id, em);
  }

  /** For modules that reference a program from a request body (e.g. a challenge's programId): 400 when unknown. */
  async requireById(em: EntityManager, id: string): Promise<ProgramEntity> {
    const program = await this.findById(id, em);
    if (!program) throw DomainError.validation([{ field: 'programId', message: 'program not found' }]);
    return program;
  }

  async list(query: ListProgramsQueryDto): Promise<Page<ProgramResponseDto>> {
    return mapPage(await this.programs.listNewestFirst(query), toProgramResponse);
  }

  async get(id: string): Promise<ProgramResponseDto> {
    const program = await this.findById(id);
    if (!program) throw DomainError.notFound('Program');
    return toProgramResponse(program);
  }

  async create(actor: Principal, dto: CreateProgramDto): Promise<ProgramResponseDto> {
    const settings = mergeProgramSettings(DEFAULT_PROGRAM_SETTINGS, dto.settings);
    const rubric = dto.rubric ? toRubric(dto.rubric) : defaultRubric();
    assertValidDocuments(settings, rubric);
    const program = await this.dataSource.transaction(async (em) => {
      const now = this.clock.now();
      const created = em.create(ProgramEntity, {
        name: dto.name.trim(),
        year: dto.year,
        description: dto.description?.trim() || null,
        settings,
        rubric,
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      await em.save(created);
      await this.audit.record(em, {
        actor,
        action: PROGRAM_AUDIT.created,
        objectType: 'program',
        objectId: created.id,
        after: snapshot(created),
      });
      return created;
    });
    return toProgramResponse(program);
  }

  /** Settings are merged into the current ones; a rubric replaces the current one whole. */
  async update(
    actor: Principal,
    id: string,
    dto: UpdateProgramDto,
    expectedVersion: number | undefined,
  ): Promise<ProgramResponseDto> {
    const program = await this.dataSource.transaction(async (em) => {
      const current = await this.programs.findByIdForUpdate(em, id);
      if (!current) throw DomainError.notFound('Program');
      assertVersion(current.version, expectedVersion);
      const before = snapshot(current);
      const settings = mergeProgramSettings(current.settings, dto.settings);
      const rubric = dto.rubric ? toRubric(dto.rubric) : current.rubric;
      assertValidDocuments(settings, rubric);
      if (dto.name !== undefined) current.name = dto.name.trim();
      if (dto.year !== undefined) current.year = dto.year;
      if (dto.description !== undefined) current.description = dto.description?.trim() || null;
      current.settings = settings;
      current.rubric = rubric;
      current.version += 1;
      current.updatedAt = this.clock.now();
      await em.save(current);
      await this.audit.record(em, {
        actor,
        action: PROGRAM_AUDIT.updated,
        objectType: 'program',
        objectId: id,
        before,
        after: snapshot(current),
      });
      return current;
    });
    return toProgramResponse(program);
  }
}

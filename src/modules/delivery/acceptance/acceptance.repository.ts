import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { byCreation, Page, PageQueryDto, paginate } from '../../../common/pagination/pagination';
import { AcceptanceEntity } from './entities/acceptance.entity';
import { AcceptancePanelMemberEntity } from './entities/acceptance-panel-member.entity';
import { AcceptanceVerdictEntity } from './entities/acceptance-verdict.entity';

/** Where an acceptance assignment's expert reads which project and challenge it is about. */
export interface ProjectHeading {
  challengeId: string;
  code: string;
  title: string;
}

/**
 * The acceptance aggregate: an acceptance with its panel members and verdicts. The project, its
 * milestones, its challenge and its winning application are read through their owners' repositories.
 * Locks go project first (ProjectsRepository.lockById), then the acceptance, then its members, in
 * every path that takes more than one.
 */
@Injectable()
export class AcceptanceRepository {
  constructor(private readonly dataSource: DataSource) {}

  manager(): EntityManager {
    return this.dataSource.manager;
  }

  // — the acceptance —

  findById(id: string, em: EntityManager = this.dataSource.manager): Promise<AcceptanceEntity | null> {
    return em.findOne(AcceptanceEntity, { where: { id } });
  }

  lockById(em: EntityManager, id: string): Promise<AcceptanceEntity> {
    return em.findOneOrFail(AcceptanceEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Held FOR SHARE: a reminder reads it without blocking the decision for long. */
  findForShare(em: EntityManager, id: string): Promise<AcceptanceEntity | null> {
    return em.findOne(AcceptanceEntity, { where: { id }, lock: { mode: 'pessimistic_read' } });
  }

  findLatestOfProject(
    projectId: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<AcceptanceEntity | null> {
    return em.findOne(AcceptanceEntity, { where: { projectId }, order: { requestedAt: 'DESC', id: 'DESC' } });
  }

  // — its panel —

  membersOf(
    acceptanceId: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<AcceptancePanelMemberEntity[]> {
    return em.find(AcceptancePanelMemberEntity, {
      where: { acceptanceId },
      order: { role: 'ASC', position: 'ASC' },
    });
  }

  lockMembersOf(em: EntityManager, acceptanceId: string): Promise<AcceptancePanelMemberEntity[]> {
    return em.find(AcceptancePanelMemberEntity, {
      where: { acceptanceId },
      order: { role: 'ASC', position: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  findMember(
    id: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<AcceptancePanelMemberEntity | null> {
    return em.findOne(AcceptancePanelMemberEntity, { where: { id } });
  }

  lockMember(em: EntityManager, id: string): Promise<AcceptancePanelMemberEntity> {
    return em.findOneOrFail(AcceptancePanelMemberEntity, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
  }

  findMemberOfExpert(
    em: EntityManager,
    acceptanceId: string,
    expertId: string,
  ): Promise<AcceptancePanelMemberEntity | null> {
    return em.findOne(AcceptancePanelMemberEntity, { where: { acceptanceId, expertId } });
  }

  /** An expert's seats called to a panel (reserves not called left out), newest first. */
  pageOfExpert(expertId: string, query: PageQueryDto): Promise<Page<AcceptancePanelMemberEntity>> {
    const qb = this.dataSource.manager
      .createQueryBuilder(AcceptancePanelMemberEntity, 'm')
      .where('m.expert_id = :expertId', { expertId })
      .andWhere('m.status <> :standby', { standby: 'standby' });
    return paginate(qb, byCreation('m'), query);
  }

  // — verdicts —

  verdictsOf(
    acceptanceId: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<AcceptanceVerdictEntity[]> {
    return em.find(AcceptanceVerdictEntity, {
      where: { acceptanceId },
      order: { createdAt: 'ASC', panelMemberId: 'ASC' },
    });
  }

  verdictsOfMember(
    panelMemberId: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<AcceptanceVerdictEntity[]> {
    return em.find(AcceptanceVerdictEntity, { where: { panelMemberId }, order: { createdAt: 'ASC' } });
  }

  // — what it reads of the project and its challenge (plain data, for an assignment's heading) —

  async headingOf(em: EntityManager, projectId: string): Promise<ProjectHeading | null> {
    const [p] = await em.query<Array<{ challenge_id: string; code: string; title: string }>>(
      `SELECT p.challenge_id, c.code, c.title FROM projects p JOIN challenges c ON c.id = p.challenge_id WHERE p.id = $1`,
      [projectId],
    );
    return p ? { challengeId: p.challenge_id, code: p.code, title: p.title } : null;
  }
}

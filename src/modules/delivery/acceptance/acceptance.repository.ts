import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { byCreation, Page, PageQueryDto, paginate } from '../../../common/pagination/pagination';
import type { ApplicationEntity } from '../../call/applications/entities/application.entity';
import type { ChallengeEntity } from '../../call/challenges/entities/challenge.entity';
import type { ProjectMilestoneEntity } from '../projects/entities/project-parts.entity';
import type { ProjectEntity } from '../projects/entities/project.entity';
import { AcceptanceEntity } from './entities/acceptance.entity';
import { AcceptancePanelMemberEntity } from './entities/acceptance-panel-member.entity';
import { AcceptanceVerdictEntity } from './entities/acceptance-verdict.entity';

/** Other modules' tables acceptance reads, reached by name here only (ADR 0041). */
const PROJECTS = 'projects';
const PROJECT_MILESTONES = 'project_milestones';
const CHALLENGES = 'challenges';
const APPLICATIONS = 'applications';

/** Where an acceptance assignment's expert reads which project and challenge it is about. */
export interface ProjectHeading {
  challengeId: string;
  code: string;
  title: string;
}

/**
 * The acceptance aggregate: an acceptance with its panel members and verdicts, and what it reads of
 * the project, its milestones, its challenge and its winning bid. Locks go project first, then the
 * acceptance, then its members, in every path that takes more than one.
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

  // — what it reads of the project, its challenge and its bid —

  findProject(id: string, em: EntityManager = this.dataSource.manager): Promise<ProjectEntity | null> {
    return em.getRepository<ProjectEntity>(PROJECTS).findOne({ where: { id } });
  }

  /** The project row FOR UPDATE: taken first, before the acceptance. */
  lockProject(em: EntityManager, id: string): Promise<ProjectEntity | null> {
    return em
      .getRepository<ProjectEntity>(PROJECTS)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  milestonesOfProject(em: EntityManager, projectId: string): Promise<ProjectMilestoneEntity[]> {
    return em
      .getRepository<ProjectMilestoneEntity>(PROJECT_MILESTONES)
      .find({ where: { projectId }, order: { position: 'ASC' } });
  }

  challengeOf(em: EntityManager, project: ProjectEntity): Promise<ChallengeEntity> {
    return em
      .getRepository<ChallengeEntity>(CHALLENGES)
      .findOneOrFail({ where: { id: project.challengeId } });
  }

  winningBidOf(em: EntityManager, project: ProjectEntity): Promise<ApplicationEntity | null> {
    return em
      .getRepository<ApplicationEntity>(APPLICATIONS)
      .findOne({ where: { id: project.applicationId } });
  }

  async headingOf(em: EntityManager, projectId: string): Promise<ProjectHeading | null> {
    const [p] = await em.query<Array<{ challenge_id: string; code: string; title: string }>>(
      `SELECT p.challenge_id, c.code, c.title FROM projects p JOIN challenges c ON c.id = p.challenge_id WHERE p.id = $1`,
      [projectId],
    );
    return p ? { challengeId: p.challenge_id, code: p.code, title: p.title } : null;
  }
}

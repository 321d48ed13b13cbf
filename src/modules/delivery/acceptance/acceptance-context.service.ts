import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { isAdmin, Principal } from '../../../common/auth/principal';
import { JsonObject } from '../../../common/json';
import { ApplicationsRepository } from '../../call/applications/applications.repository';
import { ChallengesRepository } from '../../call/challenges/challenges.repository';
import type { ChallengeEntity } from '../../call/challenges/entities/challenge.entity';
import type { ProgramSettings } from '../../call/programs/program-settings';
import { ProgramsService } from '../../call/programs/programs.service';
import { TeamsService } from '../../call/teams/teams.service';
import type { ConflictParties } from '../../evaluation/experts/conflicts';
import type { ProjectEntity } from '../projects/entities/project.entity';
import { ProjectsRepository } from '../projects/projects.repository';
import { AcceptanceRepository } from './acceptance.repository';
import { AcceptanceEntity } from './entities/acceptance.entity';

/** What the conflict rules and the draw read of a project, found under its lock. */
export interface ProjectContext {
  challenge: ChallengeEntity;
  settings: ProgramSettings;
  parties: ConflictParties;
  consortiumOrganizationIds: string[];
  leaderUserId: string;
}

/**
 * Who an acceptance concerns (docs/adr/0029): the project's parties for the conflict rules, and who
 * may read it (admins; the issuer, lead and — as at the request — consortium organizations).
 */
@Injectable()
export class AcceptanceContextService {
  constructor(
    private readonly repository: AcceptanceRepository,
    private readonly programs: ProgramsService,
    private readonly teams: TeamsService,
    private readonly projects: ProjectsRepository,
    private readonly challenges: ChallengesRepository,
    private readonly applications: ApplicationsRepository,
  ) {}

  /**
   * The project's parties for the conflict rules: the issuer; the lead organization and the
   * consortium organizations of the winning application's team; the leader and every team member with an
   * account. Plus the challenge (industry chain) and the program's settings.
   */
  async contextOf(em: EntityManager, project: ProjectEntity): Promise<ProjectContext> {
    const challenge = await this.challenges.findById(project.challengeId, em);
    if (!challenge) throw new Error(`project ${project.id}: challenge missing`);
    const application = await this.applications.findById(project.applicationId, em);
    if (!application) throw new Error(`project ${project.id}: application missing`);
    const { settings } = await this.programs.requireById(em, project.programId);
    const organizations = new Set<string>([project.leadOrganizationId, application.leadOrganizationId]);
    const consortium = new Set<string>();
    const users = new Set<string>([application.leaderUserId]);
    const team = await this.teams.findTeamWithParts(application.teamId, em);
    if (team) {
      organizations.add(team.leadOrganization.id);
      users.add(team.team.leaderUserId);
      for (const c of team.consortium) {
        organizations.add(c.organization.id);
        consortium.add(c.organization.id);
      }
      for (const m of team.members) if (m.userId) users.add(m.userId);
    }
    const leader =
      typeof project.taskBook.leaderUserId === 'string'
        ? project.taskBook.leaderUserId
        : application.leaderUserId;
    users.add(leader);
    return {
      challenge,
      settings,
      parties: {
        issuerOrganizationId: project.issuerOrganizationId,
        applicantOrganizationIds: [...organizations],
        memberUserIds: [...users],
      },
      consortiumOrganizationIds: [...consortium],
      leaderUserId: leader,
    };
  }

  /** Admins, and users of the issuer, lead or (at request time) consortium organizations. */
  async isParty(em: EntityManager, actor: Principal, project: ProjectEntity): Promise<boolean> {
    if (isAdmin(actor)) return true;
    if (actor.kind !== 'user') return false;
    if (
      actor.organizationId === project.issuerOrganizationId ||
      actor.organizationId === project.leadOrganizationId
    ) {
      return true;
    }
    const latest = await this.repository.findLatestOfProject(project.id, em);
    if (latest) return latest.consortiumOrganizationIds.includes(actor.organizationId);
    const consortium = await this.projects.consortiumOrganizationIds(em, project.applicationId);
    return consortium.includes(actor.organizationId);
  }
}

export function canRead(actor: Principal, project: ProjectEntity, acceptance: AcceptanceEntity): boolean {
  if (isAdmin(actor)) return true;
  if (actor.kind !== 'user') return false;
  return (
    actor.organizationId === project.issuerOrganizationId ||
    actor.organizationId === project.leadOrganizationId ||
    acceptance.consortiumOrganizationIds.includes(actor.organizationId)
  );
}

/** What every acceptance event says of the acceptance, its project and its challenge. */
export function eventData(
  project: ProjectEntity,
  challenge: ChallengeEntity,
  acceptance: AcceptanceEntity,
): JsonObject {
  return {
    acceptanceId: acceptance.id,
    projectId: project.id,
    challengeId: project.challengeId,
    code: challenge.code,
    title: challenge.title,
    issuerOrganizationId: project.issuerOrganizationId,
    leadOrganizationId: project.leadOrganizationId,
  };
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../../common/audit/audit.service';
import { hasRole, isAdmin, Principal, requireUser } from '../../../common/auth/principal';
import { assertVersion, requireIfMatch } from '../../../common/concurrency/etag';
import { DomainError, FieldError } from '../../../common/errors/domain-error';
import { JsonObject } from '../../../common/json';
import { Page } from '../../../common/pagination/pagination';
import { Clock } from '../../../infra/clock/clock';
import {
  ConsortiumMemberInputDto,
  CreateTeamDto,
  ListTeamsQueryDto,
  ReplaceConsortiumDto,
  TeamMemberInputDto,
  UpdateTeamDto,
} from './dto/team-input.dto';
import { TeamResponseDto, TeamSummaryDto } from './dto/team-response.dto';
import { TeamEntity } from './entities/team.entity';
import { TeamMatching } from './team-matching';
import { TEAM_ENTITY, teamSnapshot, TeamSnapshotPart, toTeamResponse, toTeamSummary } from './team.mappers';
import {
  ACTIVE_APPLICATION_STATUSES,
  checkConsortium,
  checkMembers,
  checkShares,
  organizationsLeavingWithMembers,
} from './team-rules';
import { TeamListScope, TeamsRepository, TeamWithParts } from './teams.repository';

export const TEAM_ACTIONS = {
  created: 'team.created',
  updated: 'team.updated',
  membersReplaced: 'team.members_replaced',
  consortiumReplaced: 'team.consortium_replaced',
} as const;

function throwIfAny(errors: FieldError[]): void {
  if (errors.length) throw DomainError.validation(errors);
}

const LEADER_ERROR: FieldError = {
  field: 'leaderUserId',
  message: 'the leader must be an enabled user of the lead organization',
};

/**
 * Teams (揭榜团队) of a lead organization: its leader, consortium and members. Every change locks
 * the team row, checks If-Match and that no active application uses the team (ADR 0020), and is audited
 * in the same transaction. The applications module reads teams through `lockForApplication`.
 */
@Injectable()
export class TeamsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly teams: TeamsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly matching: TeamMatching,
  ) {}

  /** A new team led by the caller's organization. */
  async create(actor: Principal, dto: CreateTeamDto): Promise<TeamResponseDto> {
    const user = requireUser(actor);
    const consortium = dto.consortium ?? [];
    const members = dto.members ?? [];
    const leadSharePercent = dto.leadSharePercent ?? null;
    const parts = await this.dataSource.transaction(async (em) => {
      const errors: FieldError[] = [];
      if (!(await this.teams.isEnabledUserOf(em, dto.leaderUserId, user.organizationId))) {
        errors.push(LEADER_ERROR);
      }
      errors.push(
        ...(await this.consortiumErrors(em, user.organizationId, consortium, 'consortium')),
        ...checkShares(
          { leadSharePercent, consortium: consortium.map(shareOf) },
          { lead: 'leadSharePercent', list: 'consortium' },
        ),
        ...(await this.memberErrors(em, user.organizationId, consortium, members, 'members')),
      );
      throwIfAny(errors);
      const now = this.clock.now();
      const team = em.create(TeamEntity, {
        name: dto.name.trim(),
        leadOrganizationId: user.organizationId,
        leaderUserId: dto.leaderUserId,
        leadSharePercent,
        version: 1,
        createdBy: user.userId,
        createdAt: now,
        updatedAt: now,
      });
      await em.save(team);
      await this.teams.replaceConsortium(em, team.id, consortium);
      await this.teams.replaceMembers(em, team.id, members);
      const created = await this.teams.withParts(em, team);
      await this.record(em, actor, TEAM_ACTIONS.created, team.id, null, teamSnapshot(created));
      await this.matching.sync(em, team.id);
      return created;
    });
    return toTeamResponse(parts);
  }

  /**
   * Admins: every team, or one organization's (`organizationId`). Others: their own organization's
   * teams, as lead (default) or as consortium member (`membership=consortium`).
   */
  async list(actor: Principal, query: ListTeamsQueryDto): Promise<Page<TeamSummaryDto>> {
    const membership = query.membership ?? 'lead';
    let scope: TeamListScope;
    if (isAdmin(actor)) {
      scope = query.organizationId ? { organizationId: query.organizationId, membership } : { all: true };
    } else {
      const user = requireUser(actor);
      if (query.organizationId && query.organizationId !== user.organizationId) {
        throw new DomainError('FORBIDDEN', "Only admins may list another organization's teams");
      }
      scope = { organizationId: user.organizationId, membership };
    }
    const page = await this.teams.listNewestFirst(query, scope);
    const heads = await this.teams.withHeads(page.items);
    return { items: heads.map(toTeamSummary), nextCursor: page.nextCursor };
  }

  /** Admins, the lead organization and the consortium member organizations; anyone else 404. */
  async get(actor: Principal, id: string): Promise<TeamResponseDto> {
    const parts = await this.findTeamWithParts(id);
    if (!parts || !canRead(actor, parts)) throw DomainError.notFound('Team');
    return toTeamResponse(parts);
  }

  /** Name, leader, lead share (If-Match required). */
  async update(
    actor: Principal,
    id: string,
    dto: UpdateTeamDto,
    expectedVersion: number | undefined,
  ): Promise<TeamResponseDto> {
    requireIfMatch(expectedVersion, 'edits of a team');
    const parts = await this.dataSource.transaction(async (em) => {
      const current = await this.teams.withParts(em, await this.lockForEdit(em, actor, id, expectedVersion));
      const { team } = current;
      const before = teamSnapshot(current, 'fields');
      const errors: FieldError[] = [];
      if (
        dto.leaderUserId !== undefined &&
        !(await this.teams.isEnabledUserOf(em, dto.leaderUserId, team.leadOrganizationId))
      ) {
        errors.push(LEADER_ERROR);
      }
      if (dto.leadSharePercent !== undefined) {
        const shares = checkShares(
          {
            leadSharePercent: dto.leadSharePercent,
            consortium: current.consortium.map((m) => ({ sharePercent: m.sharePercent })),
          },
          { lead: 'leadSharePercent', list: 'consortium', sum: 'leadSharePercent' },
        );
        // The body has only the lead share: the consortium's shares change with PUT …/consortium.
        errors.push(...shares.map((e) => ({ field: 'leadSharePercent', message: e.message })));
      }
      throwIfAny(dedupe(errors));
      if (dto.name !== undefined) team.name = dto.name.trim();
      if (dto.leaderUserId !== undefined) team.leaderUserId = dto.leaderUserId;
      if (dto.leadSharePercent !== undefined) team.leadSharePercent = dto.leadSharePercent;
      return this.saveEdit(em, actor, team, TEAM_ACTIONS.updated, before, 'fields');
    });
    return toTeamResponse(parts);
  }

  /** Replaces the members, in the order given (If-Match required). */
  async replaceMembers(
    actor: Principal,
    id: string,
    members: TeamMemberInputDto[],
    expectedVersion: number | undefined,
  ): Promise<TeamResponseDto> {
    requireIfMatch(expectedVersion, 'edits of a team');
    const parts = await this.dataSource.transaction(async (em) => {
      const current = await this.teams.withParts(em, await this.lockForEdit(em, actor, id, expectedVersion));
      const { team } = current;
      const consortium = current.consortium.map((m) => ({ organizationId: m.organization.id }));
      throwIfAny(await this.memberErrors(em, team.leadOrganizationId, consortium, members, ''));
      const before = teamSnapshot(current, 'members');
      await this.teams.replaceMembers(em, team.id, members);
      return this.saveEdit(em, actor, team, TEAM_ACTIONS.membersReplaced, before, 'members');
    });
    return toTeamResponse(parts);
  }

  /**
   * Replaces the consortium and the lead share together (shares are all or none and sum to 100).
   * An organization that still has team members cannot leave: replace the members first.
   */
  async replaceConsortium(
    actor: Principal,
    id: string,
    dto: ReplaceConsortiumDto,
    expectedVersion: number | undefined,
  ): Promise<TeamResponseDto> {
    requireIfMatch(expectedVersion, 'edits of a team');
    const parts = await this.dataSource.transaction(async (em) => {
      const current = await this.teams.withParts(em, await this.lockForEdit(em, actor, id, expectedVersion));
      const { team } = current;
      const leadSharePercent = dto.leadSharePercent ?? null;
      const errors = [
        ...(await this.consortiumErrors(em, team.leadOrganizationId, dto.members, 'members')),
        ...checkShares(
          { leadSharePercent, consortium: dto.members.map(shareOf) },
          { lead: 'leadSharePercent', list: 'members' },
        ),
      ];
      const staying = new Set([team.leadOrganizationId, ...dto.members.map((m) => m.organizationId)]);
      for (const [organizationId, positions] of organizationsLeavingWithMembers(current.members, staying)) {
        errors.push({
          field: 'members',
          message:
            `organization ${organizationId} would leave the team while team members ` +
            `${positions.map((i) => `members[${i}]`).join(', ')} belong to it: replace the team's members first`,
        });
      }
      throwIfAny(errors);
      const before = teamSnapshot(current, 'consortium');
      team.leadSharePercent = leadSharePercent;
      await this.teams.replaceConsortium(em, team.id, dto.members);
      return this.saveEdit(em, actor, team, TEAM_ACTIONS.consortiumReplaced, before, 'consortium');
    });
    return toTeamResponse(parts);
  }

  /**
   * For the applications module, inside its transaction: the team of `organizationId` (the lead), locked
   * FOR SHARE until that transaction ends, so that an edit waits for the application and then sees it
   * (ADR 0020). 404 when there is no such team or another organization leads it.
   */
  async lockForApplication(
    em: EntityManager,
    teamId: string,
    organizationId: string,
  ): Promise<TeamWithParts> {
    const team = await this.teams.findByIdForShare(em, teamId);
    if (!team || team.leadOrganizationId !== organizationId) throw DomainError.notFound('Team');
    return this.teams.withParts(em, team);
  }

  /** The team with its lead organization, leader, consortium and members, or null; no access check. */
  async findTeamWithParts(
    id: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<TeamWithParts | null> {
    const team = await this.teams.findById(id, em);
    return team ? this.teams.withParts(em, team) : null;
  }

  // — helpers —

  /**
   * Locks a team for an edit by an applicant of its lead organization: 404 for a team the caller
   * may not see, 403 for a consortium member's (it sees the team, only the lead changes it), 409
   * VERSION_MISMATCH when stale, 409 TEAM_IN_USE when an active application uses it.
   */
  private async lockForEdit(
    em: EntityManager,
    actor: Principal,
    id: string,
    expectedVersion: number | undefined,
  ): Promise<TeamEntity> {
    const user = requireUser(actor);
    const team = await this.teams.findByIdForUpdate(em, id);
    if (!team || !hasRole(user, 'applicant')) throw DomainError.notFound('Team');
    if (team.leadOrganizationId !== user.organizationId) {
      if (await this.teams.isConsortiumMember(id, user.organizationId, em)) {
        throw new DomainError('FORBIDDEN', 'Only the lead organization may change a team');
      }
      throw DomainError.notFound('Team');
    }
    assertVersion(team.version, expectedVersion);
    if (await this.teams.hasActiveApplication(em, id)) {
      throw new DomainError(
        'TEAM_IN_USE',
        `The team is used by an application in review or selected (${ACTIVE_APPLICATION_STATUSES.join(', ')}): ` +
          'it cannot change while that application is active. Create a new team for other work.',
        { extra: { teamId: id } },
      );
    }
    return team;
  }

  private async saveEdit(
    em: EntityManager,
    actor: Principal,
    team: TeamEntity,
    action: string,
    before: JsonObject,
    part: TeamSnapshotPart,
  ): Promise<TeamWithParts> {
    team.version += 1;
    team.updatedAt = this.clock.now();
    await em.save(team);
    const after = await this.teams.withParts(em, team);
    await this.record(em, actor, action, team.id, before, teamSnapshot(after, part));
    await this.matching.sync(em, team.id);
    return after;
  }

  private async record(
    em: EntityManager,
    actor: Principal,
    action: string,
    teamId: string,
    before: JsonObject | null,
    after: JsonObject,
  ): Promise<void> {
    await this.audit.record(em, { actor, action, objectType: TEAM_ENTITY, objectId: teamId, before, after });
  }

  private async consortiumErrors(
    em: EntityManager,
    leadOrganizationId: string,
    consortium: ConsortiumMemberInputDto[],
    listField: string,
  ): Promise<FieldError[]> {
    const known = await this.teams.existingOrganizationIds(
      em,
      consortium.map((m) => m.organizationId),
    );
    return checkConsortium(leadOrganizationId, consortium, known, listField);
  }

  private async memberErrors(
    em: EntityManager,
    leadOrganizationId: string,
    consortium: Array<{ organizationId: string }>,
    members: TeamMemberInputDto[],
    listField: string,
  ): Promise<FieldError[]> {
    const teamOrganizations = new Set([leadOrganizationId, ...consortium.map((m) => m.organizationId)]);
    const userIds = members.flatMap((m) => (m.userId ? [m.userId] : []));
    const users = await this.teams.userOrganizations(em, userIds);
    return checkMembers(members, teamOrganizations, users, listField);
  }
}

/** Admins see every team; the lead organization and consortium members see theirs. */
function canRead(actor: Principal, parts: TeamWithParts): boolean {
  if (isAdmin(actor)) return true;
  if (actor.kind !== 'user') return false;
  return (
    parts.team.leadOrganizationId === actor.organizationId ||
    parts.consortium.some((m) => m.organization.id === actor.organizationId)
  );
}

function shareOf(m: ConsortiumMemberInputDto): { sharePercent: number | null } {
  return { sharePercent: m.sharePercent ?? null };
}

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.field}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

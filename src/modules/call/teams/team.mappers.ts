import { JsonObject } from '../../../common/json';
import { TeamResponseDto, TeamSummaryDto } from './dto/team-response.dto';
import { TeamHead, TeamWithParts } from './teams.repository';

export const TEAM_ENTITY = 'team';

export function toTeamSummary({ team, leadOrganization, leader }: TeamHead): TeamSummaryDto {
  return {
    id: team.id,
    name: team.name,
    leadOrganization: { ...leadOrganization },
    leader: { id: leader.id, displayName: leader.displayName },
    leadSharePercent: team.leadSharePercent,
    version: team.version,
    createdAt: team.createdAt,
    updatedAt: team.updatedAt,
  };
}

export function toTeamResponse(parts: TeamWithParts): TeamResponseDto {
  return {
    ...toTeamSummary(parts),
    consortium: parts.consortium.map((m) => ({
      organization: { ...m.organization },
      role: m.role,
      sharePercent: m.sharePercent,
    })),
    members: parts.members.map((m) => ({ ...m })),
    createdBy: parts.team.createdBy,
  };
}

export type TeamSnapshotPart = 'all' | 'fields' | 'consortium' | 'members';

/**
 * What the audit trail keeps of a team: its own fields, or the part an action replaced (the
 * consortium with the lead share, or the members), always with the version.
 */
export function teamSnapshot(parts: TeamWithParts, part: TeamSnapshotPart = 'all'): JsonObject {
  const { team } = parts;
  const snapshot: JsonObject = {};
  if (part === 'all' || part === 'fields') {
    Object.assign(snapshot, {
      name: team.name,
      leadOrganizationId: team.leadOrganizationId,
      leaderUserId: team.leaderUserId,
    });
  }
  if (part !== 'members') snapshot.leadSharePercent = team.leadSharePercent;
  if (part === 'all' || part === 'consortium') {
    snapshot.consortium = parts.consortium.map((m) => ({
      organizationId: m.organization.id,
      role: m.role,
      sharePercent: m.sharePercent,
    }));
  }
  if (part === 'all' || part === 'members') snapshot.members = parts.members.map((m) => ({ ...m }));
  snapshot.version = team.version;
  return snapshot;
}

import { bigintNumber } from '../../../infra/database/transformers';
import type { Eligibility } from '../challenges/entities/challenge.entity';
import type { ChallengeStatus } from '../challenges/challenge-status';
import type { OrganizationType } from '../../platform/organizations/entities/organization.entity';
import { PART_SELECT, PartRow } from './application-parts.repository';
import type { ApplicationStatus } from './application-status';
import type { ApplicationEntity } from './entities/application.entity';
import type { RuleResult } from './eligibility-rules';

/**
 * The statements of a submission (docs/adr/0055), hand-written so that one round trip does what several
 * did, and exported so that the bench's raw-pg baseline sends the very same text.
 *
 * 1. SUBMISSION_LOCK_SQL: the caller's organization's application FOR UPDATE, its challenge FOR SHARE
 *    (an amendment or the close job waits) and its team FOR SHARE, in that order, as before; then, on the
 *    locked row, the advisory lock of the team's leader (the leader limit's lock, taken last as before).
 *    The advisory lock is in the outer query so that it is taken after the row locks and with the
 *    leader of the team row as locked (re-read if it changed while waiting).
 * 2. SUBMISSION_READ_SQL: everything the checks and the answer read, in one statement whose snapshot is
 *    taken after those locks: the leader's other applications in play or won (counted under the leader's
 *    lock), the program's settings, the challenge's indicators, the application's commitments and
 *    milestones, the consortium's size, the lead organization, the integrity records, and the parts of the
 *    answer (PART_SELECT) as they are once the application names the team's current leader.
 * 3. SUBMISSION_UPDATE_SQL: the submission itself (status, rule results, submittedAt, version).
 */
export const SUBMISSION_LOCK_SQL = `SELECT l.*, pg_advisory_xact_lock(hashtextextended('leader:' || l.team_leader_user_id, 0)) IS NULL AS leader_unlocked
FROM (
  SELECT a.id, a.challenge_id, a.team_id, a.lead_organization_id, a.leader_user_id, a.status, a.status_reason,
    a.technical_plan, a.requested_fiscal_fen, a.pledge_accepted_at, a.pledge_accepted_by, a.rule_results,
    a.submitted_at, a.formal_checked_at, a.formal_checked_by, a.version, a.created_by, a.created_at, a.updated_at,
    c.program_id AS challenge_program_id, c.code AS challenge_code, c.title AS challenge_title,
    c.issuer_organization_id AS challenge_issuer_organization_id, c.fiscal_fen AS challenge_fiscal_fen,
    c.duration_months AS challenge_duration_months, c.opens_at AS challenge_opens_at,
    c.closes_at AS challenge_closes_at, c.eligibility AS challenge_eligibility, c.status AS challenge_status,
    c.published_at AS challenge_published_at,
    t.lead_organization_id AS team_lead_organization_id, t.leader_user_id AS team_leader_user_id
  FROM applications a
  JOIN challenges c ON c.id = a.challenge_id
  JOIN teams t ON t.id = a.team_id
  WHERE a.id = $1 AND a.lead_organization_id = $2
  FOR UPDATE OF a FOR SHARE OF c, t
) l`;

export const SUBMISSION_READ_SQL = `SELECT
  (SELECT count(*)::int FROM applications x
    WHERE x.leader_user_id = $2 AND x.id <> a.id AND x.status = ANY($3::application_status[])) AS leader_load,
  (SELECT p.settings FROM programs p WHERE p.id = $4) AS program_settings,
  (SELECT json_agg(json_build_object('id', i.id, 'name', i.name) ORDER BY i.position)
    FROM challenge_indicators i WHERE i.challenge_id = a.challenge_id) AS indicators,
  (SELECT json_agg(json_build_object('indicatorId', c.indicator_id, 'committedValue', c.committed_value))
    FROM application_commitments c WHERE c.application_id = a.id) AS commitments,
  (SELECT json_agg(json_build_object('title', m.title, 'deliverables', m.deliverables,
      'dueMonth', m.due_month, 'sharePercent', m.share_percent) ORDER BY m.position)
    FROM application_milestones m WHERE m.application_id = a.id) AS milestones,
  (SELECT count(*)::int FROM team_consortium_members tc WHERE tc.team_id = a.team_id) AS consortium_size,
  (SELECT json_build_object('type', o.type, 'regionCode', o.region_code)
    FROM organizations o WHERE o.id = a.lead_organization_id) AS lead,
  (SELECT json_agg(json_build_object('subjectType', r.subject_type, 'reason', r.reason) ORDER BY r.recorded_at DESC)
    FROM integrity_records r
    WHERE (r.subject_type = 'user' AND r.subject_id = $2)
       OR (r.subject_type = 'organization' AND r.subject_id = a.lead_organization_id)) AS integrity_records,
${PART_SELECT}
FROM (SELECT x.id, x.challenge_id, x.team_id, x.lead_organization_id, $2::uuid AS leader_user_id
      FROM applications x WHERE x.id = $1) a`;

export const SUBMISSION_UPDATE_SQL = `UPDATE applications SET status = $2, status_reason = NULL, leader_user_id = $3,
  rule_results = $4, submitted_at = $5, version = $6, updated_at = $7
WHERE id = $1`;

/** A row of SUBMISSION_LOCK_SQL. */
export interface SubmissionLockRow {
  id: string;
  challenge_id: string;
  team_id: string;
  lead_organization_id: string;
  leader_user_id: string;
  status: ApplicationStatus;
  status_reason: string | null;
  technical_plan: string;
  requested_fiscal_fen: string;
  pledge_accepted_at: Date | null;
  pledge_accepted_by: string | null;
  rule_results: RuleResult[] | null;
  submitted_at: Date | null;
  formal_checked_at: Date | null;
  formal_checked_by: string | null;
  version: number;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  challenge_program_id: string;
  challenge_code: string;
  challenge_title: string;
  challenge_issuer_organization_id: string;
  challenge_fiscal_fen: string;
  challenge_duration_months: number;
  challenge_opens_at: Date;
  challenge_closes_at: Date;
  challenge_eligibility: Eligibility;
  challenge_status: ChallengeStatus;
  challenge_published_at: Date | null;
  team_lead_organization_id: string;
  team_leader_user_id: string;
}

/** A row of SUBMISSION_READ_SQL. */
export interface SubmissionReadRow extends PartRow {
  leader_load: number;
  program_settings: unknown;
  indicators: Array<{ id: string; name: string }> | null;
  commitments: Array<{ indicatorId: string; committedValue: string }> | null;
  milestones: Array<{ title: string; deliverables: string; dueMonth: number; sharePercent: number }> | null;
  consortium_size: number;
  lead: { type: OrganizationType; regionCode: string } | null;
  integrity_records: Array<{ subjectType: 'user' | 'organization'; reason: string }> | null;
}

/** The challenge as a submission needs it: its deadline, its terms, and what its events carry. */
export interface SubmissionChallenge {
  id: string;
  programId: string;
  code: string;
  title: string;
  issuerOrganizationId: string;
  fiscalFen: number;
  durationMonths: number;
  opensAt: Date;
  closesAt: Date;
  eligibility: Eligibility;
  status: ChallengeStatus;
  publishedAt: Date | null;
}

/** The locked rows: the application (mapped from its row, no entity hydration), its challenge and team. */
export interface LockedSubmission {
  application: ApplicationEntity;
  challenge: SubmissionChallenge;
  team: { id: string; leadOrganizationId: string; leaderUserId: string };
}

const fen = (value: string): number => bigintNumber.from(value) as number;

export function lockedSubmissionOf(row: SubmissionLockRow): LockedSubmission {
  const application: ApplicationEntity = {
    id: row.id,
    challengeId: row.challenge_id,
    teamId: row.team_id,
    leadOrganizationId: row.lead_organization_id,
    leaderUserId: row.leader_user_id,
    status: row.status,
    statusReason: row.status_reason,
    technicalPlan: row.technical_plan,
    requestedFiscalFen: fen(row.requested_fiscal_fen),
    pledgeAcceptedAt: row.pledge_accepted_at,
    pledgeAcceptedBy: row.pledge_accepted_by,
    ruleResults: row.rule_results,
    submittedAt: row.submitted_at,
    formalCheckedAt: row.formal_checked_at,
    formalCheckedBy: row.formal_checked_by,
    version: row.version,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  return {
    application,
    challenge: {
      id: row.challenge_id,
      programId: row.challenge_program_id,
      code: row.challenge_code,
      title: row.challenge_title,
      issuerOrganizationId: row.challenge_issuer_organization_id,
      fiscalFen: fen(row.challenge_fiscal_fen),
      durationMonths: row.challenge_duration_months,
      opensAt: row.challenge_opens_at,
      closesAt: row.challenge_closes_at,
      eligibility: row.challenge_eligibility,
      status: row.challenge_status,
      publishedAt: row.challenge_published_at,
    },
    team: {
      id: row.team_id,
      leadOrganizationId: row.team_lead_organization_id,
      leaderUserId: row.team_leader_user_id,
    },
  };
}

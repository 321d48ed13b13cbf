export interface AttachmentRow {
  attachmentId: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
}

/** A commitment as the answer shows it: the indicator's name is the application's challenge's. */
export interface CommitmentPart {
  indicatorId: string;
  indicatorName: string;
  committedValue: string;
}

export interface MilestonePart {
  title: string;
  deliverables: string;
  dueMonth: number;
  sharePercent: number;
}

/** What an application's answer reads besides the application itself. */
export interface ApplicationParts {
  commitments: CommitmentPart[];
  milestones: MilestonePart[];
  attachments: AttachmentRow[];
  bidder: { teamName: string; organizationName: string; leaderName: string } | undefined;
}

/**
 * The parts of an application `a` (a row of `applications`) as columns of the statement that reads it:
 * correlated subqueries, one `json_agg` each, so that a page of applications is read in one statement
 * (docs/adr/0049). Commitments in the order of the challenge's indicators.
 */
export const PART_COLUMNS: ReadonlyArray<readonly [sql: string, alias: string]> = [
  [`(SELECT t.name FROM teams t WHERE t.id = a.team_id)`, 'part_team_name'],
  [`(SELECT o.name FROM organizations o WHERE o.id = a.lead_organization_id)`, 'part_organization_name'],
  [`(SELECT u.display_name FROM users u WHERE u.id = a.leader_user_id)`, 'part_leader_name'],
  [
    `(SELECT json_agg(json_build_object('indicatorId', c.indicator_id, 'indicatorName', ci.name,
        'committedValue', c.committed_value) ORDER BY ci.position NULLS LAST, c.indicator_id)
      FROM application_commitments c
      LEFT JOIN challenge_indicators ci ON ci.id = c.indicator_id AND ci.challenge_id = a.challenge_id
      WHERE c.application_id = a.id)`,
    'part_commitments',
  ],
  [
    `(SELECT json_agg(json_build_object('title', m.title, 'deliverables', m.deliverables,
        'dueMonth', m.due_month, 'sharePercent', m.share_percent) ORDER BY m.position)
      FROM application_milestones m WHERE m.application_id = a.id)`,
    'part_milestones',
  ],
  [
    `(SELECT json_agg(json_build_object('attachmentId', aa.attachment_id, 'filename', f.filename,
        'contentType', f.content_type, 'sizeBytes', f.size_bytes, 'sha256', f.sha256) ORDER BY aa.position)
      FROM application_attachments aa JOIN attachments f ON f.id = aa.attachment_id
      WHERE aa.application_id = a.id)`,
    'part_attachments',
  ],
];

/** The select list of PART_COLUMNS for a hand-written statement. */
export const PART_SELECT = PART_COLUMNS.map(([sql, alias]) => `${sql} AS ${alias}`).join(',\n');

export interface PartRow {
  part_team_name: string | null;
  part_organization_name: string | null;
  part_leader_name: string | null;
  part_commitments: Array<{
    indicatorId: string;
    indicatorName: string | null;
    committedValue: string;
  }> | null;
  part_milestones: MilestonePart[] | null;
  part_attachments: Array<Omit<AttachmentRow, 'sizeBytes'> & { sizeBytes: number | string }> | null;
}

/** Maps the PART_COLUMNS of a row, keys in the order of the answer. */
export function partsOfRow(row: PartRow): ApplicationParts {
  const { part_team_name: team, part_organization_name: organization, part_leader_name: leader } = row;
  return {
    bidder:
      team !== null && organization !== null && leader !== null
        ? { teamName: team, organizationName: organization, leaderName: leader }
        : undefined,
    commitments: (row.part_commitments ?? []).map((c) => ({
      indicatorId: c.indicatorId,
      indicatorName: c.indicatorName ?? '',
      committedValue: c.committedValue,
    })),
    milestones: (row.part_milestones ?? []).map((m) => ({
      title: m.title,
      deliverables: m.deliverables,
      dueMonth: m.dueMonth,
      sharePercent: m.sharePercent,
    })),
    attachments: (row.part_attachments ?? []).map((f) => ({
      attachmentId: f.attachmentId,
      filename: f.filename,
      contentType: f.contentType,
      sizeBytes: Number(f.sizeBytes),
      sha256: f.sha256,
    })),
  };
}

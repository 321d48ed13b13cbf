import { encodeCursor, Page } from '../../../common/pagination/pagination';
import type { AttachmentVisibility } from './entities/challenge-attachment.entity';
import type { Eligibility, ExpectedOutcome, SelectionMode } from './entities/challenge.entity';
import { ChallengeStatus, effectiveStatus } from './challenge-status';
import type { ListStatement } from './challenge-reads.repository';
import type {
  ChallengeAttachmentResponseDto,
  ChallengeResponseDto,
  ChallengeSummaryDto,
  IndicatorResponseDto,
} from './dto/challenge-response.dto';

/**
 * The rows of the hot-read statements (challenge-reads.repository.ts) as pg parses them, and their answers:
 * mapped field by field to the response DTOs, no entity in between (ADR 0051). bigint arrives as a
 * string (parseInt8 is off), timestamptz as a Date, json and jsonb parsed.
 */
export interface SummaryRow {
  id: string;
  code: string | null;
  program_id: string;
  title: string;
  category_code: string;
  industry_chain_code: string;
  issuer_organization_id: string;
  region_code: string;
  public_summary: string;
  total_fen: string;
  fiscal_fen: string;
  cofunding_fen: string;
  opens_at: Date;
  closes_at: Date;
  selection_mode: SelectionMode;
  team_count: number;
  status: ChallengeStatus;
  published_at: Date | null;
  version: number;
  created_at?: Date;
  issuer_name: string | null;
}

export interface DetailRow extends SummaryRow {
  background: string;
  expected_outcomes: ExpectedOutcome[];
  duration_months: number;
  eligibility: Eligibility;
  status_reason: string | null;
  need_id: string | null;
  submitted_at: Date | null;
  created_at: Date;
  updated_at: Date;
  issuer_version: number | null;
  indicators: IndicatorResponseDto[];
  attachments: Array<{
    attachmentId: string;
    visibility: AttachmentVisibility;
    filename: string;
    contentType: string;
    sizeBytes: number | string;
    sha256: string;
  }>;
  amendment_count: number;
  submitted_application_count: number | null;
}

/** The row of the ETag statement: what the detail's ETag depends on. */
export interface TagRow {
  id: string;
  version: number;
  status: ChallengeStatus;
  opens_at: Date;
  closes_at: Date;
  published_at: Date | null;
  issuer_organization_id: string;
  issuer_name: string | null;
  issuer_version: number | null;
  submitted_application_count: number | null;
}

/** A bigint amount in fen: a number, refused outside the safe range (as the entity's transformer). */
function fen(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`bigint ${value} is outside the safe integer range`);
  return n;
}

/** The status by the clock of a row (challenge-status.ts). */
export function rowStatus(
  row: Pick<SummaryRow, 'status' | 'opens_at' | 'closes_at'>,
  now: Date,
): ChallengeStatus {
  return effectiveStatus({ status: row.status, opensAt: row.opens_at, closesAt: row.closes_at }, now);
}

export function summaryFromRow(row: SummaryRow, now: Date): ChallengeSummaryDto {
  return {
    id: row.id,
    code: row.code,
    programId: row.program_id,
    title: row.title,
    category: row.category_code,
    industryChain: row.industry_chain_code,
    issuerOrganization: { id: row.issuer_organization_id, name: row.issuer_name ?? '' },
    regionCode: row.region_code,
    publicSummary: row.public_summary,
    totalFen: fen(row.total_fen),
    fiscalFen: fen(row.fiscal_fen),
    cofundingFen: fen(row.cofunding_fen),
    opensAt: row.opens_at,
    closesAt: row.closes_at,
    selectionMode: row.selection_mode,
    teamCount: row.team_count,
    status: rowStatus(row, now),
    publishedAt: row.published_at,
    version: row.version,
  };
}

/**
 * The detail as `toChallengeResponse` (challenge.mappers.ts) answers it; `privileged`: the issuer
 * organization and admins see the reject reason and the confidential attachments' metadata.
 */
export function detailFromRow(row: DetailRow, privileged: boolean, now: Date): ChallengeResponseDto {
  const attachments: ChallengeAttachmentResponseDto[] = [];
  for (const a of row.attachments) {
    if (!privileged && a.visibility !== 'public') continue;
    attachments.push({
      attachmentId: a.attachmentId,
      visibility: a.visibility,
      filename: a.filename,
      contentType: a.contentType,
      sizeBytes: Number(a.sizeBytes),
      sha256: a.sha256,
      href: `/api/v1/challenges/${row.id}/attachments/${a.attachmentId}`,
    });
  }
  return {
    ...summaryFromRow(row, now),
    background: row.background,
    indicators: row.indicators,
    expectedOutcomes: row.expected_outcomes,
    durationMonths: row.duration_months,
    eligibility: row.eligibility,
    attachments,
    statusReason: privileged || row.status === 'cancelled' ? row.status_reason : null,
    amendmentCount: row.amendment_count,
    needId: privileged ? row.need_id : null,
    submittedBidCount: row.submitted_application_count,
    submittedAt: row.submitted_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A listing page from the statement's rows (one more than the page when there is a next page). */
export function pageFromRows(
  rows: SummaryRow[],
  statement: ListStatement,
  now: Date,
): Page<ChallengeSummaryDto> {
  const items = rows.length > statement.limit ? rows.slice(0, statement.limit) : rows;
  const last = items[items.length - 1];
  let nextCursor: string | null = null;
  if (rows.length > statement.limit && last) {
    const value = last[statement.sort.field];
    nextCursor = encodeCursor([
      value instanceof Date
        ? value.toISOString()
        : statement.sort.cast === 'bigint'
          ? fen(value as string)
          : String(value),
      last.id,
    ]);
  }
  return { items: items.map((row) => summaryFromRow(row, now)), nextCursor };
}

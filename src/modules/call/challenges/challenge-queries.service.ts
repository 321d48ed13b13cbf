import { Injectable } from '@nestjs/common';
import { isAdmin, Principal } from '../../../common/auth/principal';
import { ifNoneMatchMatches, weakEtag } from '../../../common/concurrency/conditional';
import { DomainError } from '../../../common/errors/domain-error';
import { Page } from '../../../common/pagination/pagination';
import { Clock } from '../../../infra/clock/clock';
import { ReadReplicas } from '../../../infra/database/read-replicas';
import { detailFromRow, pageFromRows, rowStatus, TagRow } from './challenge-reads.rows';
import { challengeListStatement, ChallengeVisibility } from './challenge-reads.repository';
import { canSee, isPrivileged, Visible } from './challenge-visibility';
import { ChallengesRepository } from './challenges.repository';
import { ChallengeResponseDto, ChallengeSummaryDto } from './dto/challenge-response.dto';
import { ListChallengesQueryDto } from './dto/list-challenges.query';

/** A conditional read: the ETag, and the body unless the caller's If-None-Match already names it. */
export type ConditionalRead<T> =
  { etag: string; notModified: true } | { etag: string; notModified: false; body: T };

/**
 * Reading challenges: one, with what the caller may see of it, or a filtered listing. Each is one
 * SQL statement mapped straight to the answer (ADR 0051); a detail whose ETag the caller already has
 * costs one small statement and answers 304.
 */
@Injectable()
export class ChallengeQueriesService {
  constructor(
    private readonly challenges: ChallengesRepository,
    private readonly clock: Clock,
    private readonly replicas: ReadReplicas,
  ) {}

  async get(actor: Principal | undefined, id: string): Promise<ChallengeResponseDto> {
    const read = await this.read(actor, id, undefined);
    if (read.notModified) throw new Error('a read without If-None-Match is never 304');
    return read.body;
  }

  /** The detail, or only its ETag when `ifNoneMatch` names it (checked before the heavy statement). */
  async read(
    actor: Principal | undefined,
    id: string,
    ifNoneMatch: string | undefined,
  ): Promise<ConditionalRead<ChallengeResponseDto>> {
    // One reading of the clock: the status shown and the ETag agree.
    const now = this.clock.now();
    if (ifNoneMatch !== undefined) {
      const tag = await this.challenges.tagRow(id, now);
      const visible = tag && visibleOf(tag);
      if (!tag || !visible || !canSee(actor, visible)) throw DomainError.notFound('Challenge');
      const etag = detailEtag(tag, isPrivileged(actor, visible), now);
      if (ifNoneMatchMatches(ifNoneMatch, etag)) return { etag, notModified: true };
    }
    const row = await this.challenges.detailRow(id, now);
    const visible = row && visibleOf(row);
    if (!row || !visible || !canSee(actor, visible)) throw DomainError.notFound('Challenge');
    const privileged = isPrivileged(actor, visible);
    return {
      etag: detailEtag(row, privileged, now),
      notModified: false,
      body: detailFromRow(row, privileged, now),
    };
  }

  async list(
    actor: Principal | undefined,
    query: ListChallengesQueryDto,
  ): Promise<Page<ChallengeSummaryDto>> {
    return (await this.readList(actor, query)).page;
  }

  /** A listing page and its ETag: the page's ids, versions, statuses by the clock, issuer names and cursor. */
  async readList(
    actor: Principal | undefined,
    query: ListChallengesQueryDto,
  ): Promise<{ page: Page<ChallengeSummaryDto>; etag: string }> {
    // One reading of the clock: the filter and the statuses shown agree.
    const now = this.clock.now();
    const visibility = visibilityOf(actor, query);
    const statement = challengeListStatement(query, visibility, now);
    // An anonymous public listing or search may come from a read replica within its staleness bound
    // (ADR 0065); a signed-in caller, who may have just written, reads the primary.
    const rows =
      visibility.scope === 'public' && !actor
        ? await this.replicas.read((source) => this.challenges.listRows(statement, source))
        : await this.challenges.listRows(statement);
    const page = pageFromRows(rows, statement, now);
    return { page, etag: listEtag(page) };
  }
}

function visibleOf(row: Pick<TagRow, 'published_at' | 'issuer_organization_id'>): Visible {
  return { publishedAt: row.published_at, issuerOrganizationId: row.issuer_organization_id };
}

/**
 * The detail's ETag, from all its body depends on (ADR 0051): the version (edits, amendments, status
 * changes), the status by the clock, the view (the issuer organization and admins see more), the
 * issuer organization's version and name, and the submitted count once closed.
 */
export function detailEtag(row: TagRow, privileged: boolean, now: Date): string {
  return weakEtag(
    row.version,
    rowStatus(row, now),
    privileged ? 'privileged' : 'public',
    row.issuer_version,
    row.issuer_name,
    row.submitted_application_count,
  );
}

/** A listing's ETag: everything of each summary is fixed by its id and version, but the status and issuer name. */
export function listEtag(page: Page<ChallengeSummaryDto>): string {
  const parts: Array<string | number> = [];
  for (const item of page.items) parts.push(item.id, item.version, item.status, item.issuerOrganization.name);
  return weakEtag(null, ...parts, page.nextCursor ?? '');
}

function visibilityOf(actor: Principal | undefined, query: ListChallengesQueryDto): ChallengeVisibility {
  const scope = query.scope ?? 'public';
  if (scope === 'public') return { scope: 'public' };
  if (!actor) {
    throw new DomainError('UNAUTHENTICATED', `scope=${scope} needs credentials`, {
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
  }
  if (scope === 'all') {
    if (!isAdmin(actor)) throw new DomainError('FORBIDDEN', 'scope=all is for admins');
    return { scope: 'all' };
  }
  if (actor.kind !== 'user') throw new DomainError('FORBIDDEN', 'scope=mine needs a signed-in user');
  return { scope: 'organization', organizationId: actor.organizationId };
}

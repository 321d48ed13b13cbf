import { Injectable } from '@nestjs/common';
import { DomainError } from '../../../common/errors/domain-error';
import { decodeCursor, DEFAULT_LIMIT, encodeCursor } from '../../../common/pagination/pagination';
import { Clock } from '../../../infra/clock/clock';
import { InjectConfig } from '../../../infra/config/config';
import type { AppConfig } from '../../../infra/config/config';
import { OcdsQueryDto, OcdsReleasePackageDto } from './dto/ocds.dto';
import { OCDS_EXTENSIONS, OCDS_VERSION, toRelease } from './ocds';
import { OpenDataRepository } from './open-data.repository';

const CHANGED_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The OCDS export of the public lifecycle (DOMAIN.md "Audit and open data", ADR 0032). */
@Injectable()
export class OpenDataService {
  constructor(
    private readonly openData: OpenDataRepository,
    private readonly clock: Clock,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** One page of releases; `requestUrl` (absolute) is the package's uri and the base of links.next. */
  async releasePackage(query: OcdsQueryDto, requestUrl: string): Promise<OcdsReleasePackageDto> {
    const since = query.since === undefined ? undefined : parseInstant(query.since);
    if (since === null)
      throw DomainError.validation([{ field: 'since', message: 'since is not a valid time' }]);
    const after = query.cursor === undefined ? undefined : parseCursor(query.cursor);
    const limit = query.limit ?? DEFAULT_LIMIT;

    const { changed, facts } = await this.openData.snapshot(async (em) => {
      const page = await this.openData.changed(em, { since, after, limit: limit + 1 });
      const rows = page.slice(0, limit);
      return { changed: page, facts: await this.openData.facts(em, rows) };
    });
    const releases = facts.map((challenge) =>
      toRelease(challenge, {
        prefix: this.config.OCDS_PREFIX,
        publisherName: this.config.OCDS_PUBLISHER_NAME,
      }),
    );
    const { links, nextCursor } = nextPage(changed, limit, requestUrl);
    return {
      uri: requestUrl,
      version: OCDS_VERSION,
      publishedDate: releases.length ? releases[releases.length - 1].date : this.clock.now().toISOString(),
      publisher: { name: this.config.OCDS_PUBLISHER_NAME },
      extensions: OCDS_EXTENSIONS,
      releases,
      links,
      nextCursor,
    };
  }
}

/**
 * An ISO-8601 time the DTO's pattern accepted, as a Date; null for a date that does not exist
 * (2027-02-30, hour 24), which Date itself would silently roll over into the next month or day.
 */
export function parseInstant(value: string): Date | null {
  const [, year, month, day, hour, minute, second] =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value) ?? [];
  if (!year) return null;
  const daysInMonth = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
  if (Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(day) > daysInMonth) return null;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A cursor of the open-data pages: [changedKey, id]; anything else is a 400 on `cursor`. */
/**
 * The next page of a feed read with one key more than `limit` (is there more?): the cursor is the
 * last item's key, and `links.next` the request's URL with it.
 */
export function nextPage(
  keys: Array<{ changedKey: string; id: string }>,
  limit: number,
  requestUrl: string,
): { links: { next: string | null }; nextCursor: string | null } {
  const last = keys.length > limit ? keys[limit - 1] : undefined;
  if (!last) return { links: { next: null }, nextCursor: null };
  const nextCursor = encodeCursor([last.changedKey, last.id]);
  const url = new URL(requestUrl);
  url.searchParams.set('cursor', nextCursor);
  return { links: { next: url.toString() }, nextCursor };
}

export function parseCursor(cursor: string): { changedKey: string; id: string } {
  const [changedKey, id] = decodeCursor(cursor, 2);
  if (
    typeof changedKey !== 'string' ||
    typeof id !== 'string' ||
    !CHANGED_KEY.test(changedKey) ||
    Number.isNaN(new Date(changedKey).getTime()) ||
    !UUID.test(id)
  ) {
    throw DomainError.validation([{ field: 'cursor', message: 'cursor is not valid' }]);
  }
  return { changedKey, id };
}

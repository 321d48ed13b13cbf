import { Injectable } from '@nestjs/common';
import { isAdmin, Principal } from '../../../common/auth/principal';
import { DomainError } from '../../../common/errors/domain-error';
import { Page } from '../../../common/pagination/pagination';
import { Clock } from '../../../infra/clock/clock';
import { toChallengeResponse, toChallengeSummary } from './challenge.mappers';
import { canSee, isPrivileged } from './challenge-visibility';
import { ChallengesRepository, ChallengeVisibility } from './challenges.repository';
import { ChallengeResponseDto, ChallengeSummaryDto } from './dto/challenge-response.dto';
import { ListChallengesQueryDto } from './dto/list-challenges.query';

/** Reading challenges: one, with what the caller may see of it, or a filtered listing. */
@Injectable()
export class ChallengeQueriesService {
  constructor(
    private readonly challenges: ChallengesRepository,
    private readonly clock: Clock,
  ) {}

  async get(actor: Principal | undefined, id: string): Promise<ChallengeResponseDto> {
    const challenge = await this.challenges.findById(id);
    if (!challenge || !canSee(actor, challenge)) throw DomainError.notFound('Challenge');
    const now = this.clock.now();
    const closed = challenge.publishedAt !== null && now >= challenge.closesAt;
    const [indicators, attachments, amendmentCount, names, submittedApplicationCount] = await Promise.all([
      this.challenges.indicators(id),
      this.challenges.attachments(id),
      this.challenges.amendmentCount(id),
      this.challenges.organizationNames([challenge.issuerOrganizationId]),
      closed ? this.challenges.submittedApplicationCount(id) : null,
    ]);
    return toChallengeResponse(
      challenge,
      {
        issuerName: names.get(challenge.issuerOrganizationId) ?? '',
        indicators,
        attachments,
        amendmentCount,
        submittedApplicationCount,
        privileged: isPrivileged(actor, challenge),
      },
      now,
    );
  }

  async list(
    actor: Principal | undefined,
    query: ListChallengesQueryDto,
  ): Promise<Page<ChallengeSummaryDto>> {
    // One reading of the clock: the filter and the statuses shown agree.
    const now = this.clock.now();
    const page = await this.challenges.list(query, visibilityOf(actor, query), now);
    const names = await this.challenges.organizationNames(page.items.map((c) => c.issuerOrganizationId));
    return {
      items: page.items.map((c) => toChallengeSummary(c, names.get(c.issuerOrganizationId) ?? '', now)),
      nextCursor: page.nextCursor,
    };
  }
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

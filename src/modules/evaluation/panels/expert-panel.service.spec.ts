import type { EntityManager } from 'typeorm';
import type { OutboxService } from '../../../infra/events/outbox.service';
import { DEFAULT_PROGRAM_SETTINGS } from '../../call/programs/program-settings';
import type { DrawableExpert, ExpertsRepository } from '../experts/experts.repository';
import { TermsService } from '../../platform/terms/terms.service';
import { drawPanel, WEIGHTED_DRAW_RULE } from './panel-draw';
import { DrawInput, ExpertPanelService } from './expert-panel.service';
import type { PanelExpertsRepository } from './panel-experts.repository';
import { AS_STORED, PanelSeat } from './panel-seats';
import type { PanelMemberStatus } from './panel-member.machine';

const NOW = new Date('2026-03-02T02:00:00Z');
const ISSUER = 'org-issuer';
const BIDDER = 'org-applicant';
const parties = { issuerOrganizationId: ISSUER, applicantOrganizationIds: [BIDDER], memberUserIds: [] };

function expert(
  id: string,
  enterprise: boolean,
  organizationId = `org-${id}`,
  keywords = ['超导'],
): DrawableExpert {
  return {
    keywords,
    expertId: id,
    userId: `user-${id}`,
    affiliationOrganizationId: organizationId,
    userOrganizationId: organizationId,
    collaborations: [],
    affiliationType: enterprise ? 'enterprise' : 'university',
  };
}

function seat(
  id: string,
  role: 'member' | 'reserve',
  position: number,
  status: PanelMemberStatus,
): PanelSeat<PanelMemberStatus> {
  return {
    id,
    expertId: id,
    role,
    position,
    status,
    statusReason: null,
    replacedBy: null,
    version: 1,
    updatedAt: NOW,
  };
}

function service(
  experts: DrawableExpert[],
  seats: Record<string, number> = {},
): { panels: ExpertPanelService } {
  const byId = new Map(experts.map((e) => [e.expertId, e]));
  const repo = {
    findForConflicts: (_em: EntityManager, id: string) => Promise.resolve(byId.get(id) ?? null),
    countEnterpriseAffiliated: (_em: EntityManager, ids: string[]) =>
      Promise.resolve(ids.filter((id) => byId.get(id)?.affiliationType === 'enterprise').length),
    findActiveForChain: () => Promise.resolve(experts),
  } as unknown as ExpertsRepository;
  const panelExperts = {
    seatsInYear: () => Promise.resolve(new Map(Object.entries(seats))),
  } as unknown as PanelExpertsRepository;
  const panels = new ExpertPanelService(repo, panelExperts, {} as OutboxService, new TermsService());
  return { panels };
}

const em = { save: (rows: unknown) => Promise.resolve(rows) } as unknown as EntityManager;
const settings = {
  ...DEFAULT_PROGRAM_SETTINGS,
  panelSize: 2,
  minEnterpriseExpertPercent: 50,
  reserveExperts: 2,
};
/** A list on high-temperature superconducting cable: its public title and summary. */
const input: DrawInput = {
  industryChainCode: 'x',
  listTexts: ['基于高温超导材料的低损耗电缆关键技术', '研制高温超导电缆样机'],
  parties,
  settings,
  now: NOW,
  panelName: null,
};

describe('ExpertPanelService.replace', () => {
  it('calls the first reserve without a conflict and passes over a conflicted one as unused', async () => {
    const { panels } = service([
      expert('m1', false),
      expert('m2', false),
      expert('r1', false, BIDDER),
      expert('r2', false),
    ]);
    const members = [
      seat('m1', 'member', 1, 'pending'),
      seat('m2', 'member', 2, 'pending'),
      seat('r1', 'reserve', 1, 'standby'),
      seat('r2', 'reserve', 2, 'standby'),
    ];
    const result = await panels.replace(em, {
      members,
      leaving: members[0],
      outcome: 'declined',
      statusReason: 'travelling',
      parties,
      settings,
      now: NOW,
      spelling: AS_STORED,
    });
    expect(result.chosen?.id).toBe('r2');
    expect(members.map((m) => m.status)).toEqual(['declined', 'pending', 'unused', 'pending']);
    expect(members[0]).toMatchObject({ replacedBy: 'r2', statusReason: 'travelling', version: 2 });
    expect(members[3].statusReason).toBe('replaces member 1');
    expect(result.skipped).toEqual([
      { panelMemberId: 'r1', expertId: 'r1', conflicts: ['bidder_affiliation'] },
    ]);
  });

  it('calls an enterprise reserve first when the panel would fall under its enterprise minimum', async () => {
    const { panels } = service([
      expert('m1', true),
      expert('m2', false),
      expert('r1', false),
      expert('r2', true),
    ]);
    const members = [
      seat('m1', 'member', 1, 'declared'),
      seat('m2', 'member', 2, 'pending'),
      seat('r1', 'reserve', 1, 'standby'),
      seat('r2', 'reserve', 2, 'standby'),
    ];
    const result = await panels.replace(em, {
      members,
      leaving: members[0],
      outcome: 'conflicted',
      statusReason: 'conflict',
      parties,
      settings,
      now: NOW,
      spelling: AS_STORED,
    });
    expect(result.chosen?.id).toBe('r2');
    expect(members[2].status).toBe('standby');
  });

  it('leaves the panel short when no reserve is left', async () => {
    const { panels } = service([expert('m1', false), expert('m2', false)]);
    const members = [seat('m1', 'member', 1, 'pending'), seat('m2', 'member', 2, 'pending')];
    const result = await panels.replace(em, {
      members,
      leaving: members[1],
      outcome: 'declined',
      statusReason: 'no time',
      parties,
      settings,
      now: NOW,
      spelling: AS_STORED,
    });
    expect(result).toEqual({ chosen: null, skipped: [] });
    expect(members[1]).toMatchObject({ status: 'declined', replacedBy: null });
  });
});

describe('ExpertPanelService.draw', () => {
  it('answers 422 PANEL_UNDERSTAFFED naming the panel when too few qualify', async () => {
    const { panels } = service([expert('a', true), expert('b', false, ISSUER)]);
    await expect(panels.draw(em, { ...input, panelName: 'acceptance panel' })).rejects.toMatchObject({
      code: 'PANEL_UNDERSTAFFED',
      message: expect.stringContaining(
        'Too few experts qualify for the acceptance panel: it needs 2 members',
      ),
      options: { extra: expect.objectContaining({ qualifiedExperts: 1, excludedForConflicts: 1 }) },
    });
  });

  it('draws members pending and reserves on standby, in draw order', async () => {
    const { panels } = service(['a', 'b', 'c', 'd'].map((id) => expert(id, id === 'c')));
    const drawn = await panels.draw(em, input);
    expect(drawn.seats.filter((s) => s.role === 'member').map((s) => s.status)).toEqual([
      'pending',
      'pending',
    ]);
    expect(drawn.seats.filter((s) => s.role === 'reserve').map((s) => s.status)).toEqual([
      'standby',
      'standby',
    ]);
    expect(drawn.members).toContain('c');
    expect(drawn.candidateIds).toEqual(['a', 'b', 'c', 'd']);
  });

  it('does not draw an expert sharing no term with the list, and says so', async () => {
    const pool = ['a', 'b', 'c', 'd'].map((id) => expert(id, id === 'c'));
    const { panels } = service([...pool, expert('e', true, 'org-e', ['中药炮制', '饮片'])]);
    const drawn = await panels.draw(em, input);
    expect(drawn.candidateIds).toEqual(['a', 'b', 'c', 'd']);
    expect(drawn.excluded).toEqual([{ expertId: 'e', noOverlap: true }]);
    expect(drawn.fits.a).toEqual({ fit: expect.any(Number), sharedTerms: ['超导'] });
  });

  it('answers PANEL_UNDERSTAFFED counting the experts without overlap apart from conflicts', async () => {
    const { panels } = service([
      expert('a', true),
      expert('b', false, 'org-b', ['稀土永磁']),
      expert('c', false, 'org-c', []),
      expert('d', false),
    ]);
    await expect(panels.draw(em, input)).rejects.toMatchObject({
      code: 'PANEL_UNDERSTAFFED',
      message: expect.stringContaining('2 sharing no term with the list'),
      options: { extra: expect.objectContaining({ excludedForNoOverlap: 2, excludedForConflicts: 0 }) },
    });
  });

  it("does not draw an expert at the program's yearly cap; no cap when it is 0", async () => {
    const pool = ['a', 'b', 'c', 'd', 'e'].map((id) => expert(id, id === 'c'));
    const seats = { a: 3, b: 2 };
    const capped = await service(pool, seats).panels.draw(em, {
      ...input,
      settings: { ...settings, expertYearlyPanelCap: 3 },
    });
    expect(capped.candidateIds).toEqual(['b', 'c', 'd', 'e']);
    expect(capped.excluded).toEqual([{ expertId: 'a', yearlyCap: { seats: 3, cap: 3 } }]);
    const uncapped = await service(pool, seats).panels.draw(em, input);
    expect(uncapped.candidateIds).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('weights by fit when the program asks, recording the rule and the fits', async () => {
    const pool = [
      expert('a', true, 'org-a', ['高温超导', '电缆', '低损耗']),
      expert('b', false, 'org-b', ['超导']),
      expert('c', false, 'org-c', ['超导', '稀土永磁', '锂电池', '光伏']),
      expert('d', true),
    ];
    const drawn = await service(pool).panels.draw(em, {
      ...input,
      settings: { ...settings, drawFitWeighting: true },
    });
    expect(drawn.rule).toBe(WEIGHTED_DRAW_RULE);
    const fit = (id: string) => (drawn.fits[id] as { fit: number }).fit;
    expect(fit('a')).toBeGreaterThan(fit('b'));
    expect(fit('b')).toBeGreaterThan(fit('c'));
    const replay = drawPanel(
      drawn.seed,
      pool.map((e) => ({
        expertId: e.expertId,
        enterprise: e.affiliationType === 'enterprise',
        fit: fit(e.expertId),
      })),
      { panelSize: 2, minEnterprise: 1, reserves: 2 },
      true,
    );
    expect(replay).toMatchObject({ ok: true, members: drawn.members, reserves: drawn.reserves });
  });
});

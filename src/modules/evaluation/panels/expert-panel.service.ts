import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DomainError } from '../../../common/errors/domain-error';
import { JsonObject } from '../../../common/json';
import { DomainEvent, OutboxService } from '../../../infra/events/outbox.service';
import { minEnterpriseExperts, ProgramSettings } from '../../call/programs/program-settings';
import { Conflict, ConflictParties, conflictsOf } from '../experts/conflicts';
import type { DrawableExpert } from '../experts/experts.repository';
import { ExpertsRepository } from '../experts/experts.repository';
import { cosineFit, weighTerms, WeightedTerms } from '../../platform/terms/match-scoring';
import { TermsService } from '../../platform/terms/terms.service';
import { DRAW_RULE, drawPanel, DrawOutcome, WEIGHTED_DRAW_RULE } from './panel-draw';
import { PanelExpertsRepository } from './panel-experts.repository';
import { LEAVE_ACTION, LeaveOutcome, PANEL_MEMBER_MACHINE } from './panel-member.machine';
import { DrawnSeat, isSeated, PanelSeat, Replacement, StatusSpelling } from './panel-seats';

/** What the draw needs: the chain's experts, the parties they must not be connected to, the rules. */
export interface DrawInput {
  industryChainCode: string;
  /**
   * The list's public texts (title, public summary; never its confidential details): an expert
   * whose keywords share no term with them is not drawn (ADR 0060).
   */
  listTexts: string[];
  parties: ConflictParties;
  settings: ProgramSettings;
  now: Date;
  /** How PANEL_UNDERSTAFFED names the panel: `null` → "the panel", else "for the <name>: it". */
  panelName: string | null;
}

/** A panel drawn: the seed, the rows to store, and what the audit event records of the draw. */
export interface DrawnPanel {
  seed: string;
  members: string[];
  reserves: string[];
  seats: DrawnSeat[];
  candidateIds: string[];
  excluded: JsonObject[];
  minEnterprise: number;
  /** DRAW_RULE, or WEIGHTED_DRAW_RULE when the program weights the draw by fit. */
  rule: string;
  /** Per candidate, its fit to the list and the shared terms: with the seed, they replay the draw. */
  fits: JsonObject;
}

/** A candidate of the draw with its fit to the list. */
interface Qualified {
  expert: DrawableExpert;
  fit: number;
  shared: string[];
}

/** What a replacement needs: the panel's rows (locked), the one leaving, and the conflict rules. */
export interface ReplaceInput<S extends string, T extends PanelSeat<S>> {
  members: T[];
  leaving: T;
  outcome: LeaveOutcome;
  /** Stored on the leaving row as its status reason. */
  statusReason: string;
  parties: ConflictParties;
  settings: ProgramSettings;
  now: Date;
  spelling: StatusSpelling<S>;
}

/**
 * The expert panel (ADR 0041), one component for review panels and acceptance panels: the seeded,
 * replayable draw without conflicts and with the enterprise share (PANEL_UNDERSTAFFED when too few
 * qualify), the conflict rules at declaration, the replacement of a member by the next reserve,
 * the member statuses (panel-member.machine.ts), assignment notices and the experts' names. What a
 * panel is about (a challenge's applications, a project) and what its members do stay with the caller.
 */
@Injectable()
export class ExpertPanelService {
  constructor(
    private readonly experts: ExpertsRepository,
    private readonly panelExperts: PanelExpertsRepository,
    private readonly outbox: OutboxService,
    private readonly terms: TermsService,
  ) {}

  /**
   * Draws members and reserves from the chain's experts without a conflict, sharing a term with
   * the list and under the program's yearly cap (ADR 0060); 422 PANEL_UNDERSTAFFED.
   */
  async draw(em: EntityManager, input: DrawInput): Promise<DrawnPanel> {
    const { settings } = input;
    const pool = await this.experts.findActiveForChain(em, input.industryChainCode);
    const { candidates, excluded } = await this.qualify(em, pool, input);
    const seed = randomBytes(32).toString('hex');
    const minEnterprise = minEnterpriseExperts(settings);
    const drawn = drawPanel(
      seed,
      candidates.map((c) => ({
        expertId: c.expert.expertId,
        enterprise: c.expert.affiliationType === 'enterprise',
        fit: c.fit,
      })),
      { panelSize: settings.panelSize, minEnterprise, reserves: settings.reserveExperts },
      settings.drawFitWeighting,
    );
    if (!drawn.ok) throw understaffed(drawn, settings, minEnterprise, excluded, input.panelName);
    return {
      seed,
      members: drawn.members,
      reserves: drawn.reserves,
      seats: drawnSeats(drawn.members, drawn.reserves),
      candidateIds: candidates.map((c) => c.expert.expertId).sort(),
      excluded,
      minEnterprise,
      rule: settings.drawFitWeighting ? WEIGHTED_DRAW_RULE : DRAW_RULE,
      fits: Object.fromEntries(
        candidates.map((c) => [c.expert.expertId, { fit: c.fit, sharedTerms: c.shared }]),
      ),
    };
  }

  /**
   * The pool's experts who may be drawn, with their fit: not in conflict, sharing at least one
   * term of the list's public texts (their keywords segmented as the matching does, ADR 0060),
   * under the yearly cap; the others excluded with the reason.
   */
  private async qualify(
    em: EntityManager,
    pool: DrawableExpert[],
    input: DrawInput,
  ): Promise<{ candidates: Qualified[]; excluded: JsonObject[] }> {
    const { settings } = input;
    const listTerms = weighTerms(this.terms.count(input.listTexts));
    const cap = settings.expertYearlyPanelCap;
    const seats =
      cap > 0
        ? await this.panelExperts.seatsInYear(
            em,
            pool.map((e) => e.expertId),
            input.now,
          )
        : null;
    const excluded: JsonObject[] = [];
    const candidates: Qualified[] = [];
    for (const expert of pool) {
      const conflicts = conflictsOf(expert, input.parties, settings.conflictWindowYears, input.now);
      if (conflicts.length) {
        excluded.push({ expertId: expert.expertId, conflicts: conflicts.map((c) => c.kind) });
        continue;
      }
      const { fit, shared } = this.fitOf(listTerms, expert);
      const taken = seats?.get(expert.expertId) ?? 0;
      if (fit <= 0) excluded.push({ expertId: expert.expertId, noOverlap: true });
      else if (seats && taken >= cap)
        excluded.push({ expertId: expert.expertId, yearlyCap: { seats: taken, cap } });
      else candidates.push({ expert, fit, shared });
    }
    return { candidates, excluded };
  }

  /** The fit of an expert's fields of expertise to the list's public terms (cosine, no library IDF). */
  private fitOf(listTerms: WeightedTerms, expert: DrawableExpert): { fit: number; shared: string[] } {
    return cosineFit(listTerms, weighTerms(this.terms.count([], expert.keywords)));
  }

  /** The conflicts the rules find now between an expert (its profile as it is now) and the parties. */
  async conflictsNow(
    em: EntityManager,
    expertId: string,
    parties: ConflictParties,
    settings: ProgramSettings,
    now: Date,
  ): Promise<Conflict[]> {
    const expert = await this.experts.findForConflicts(em, expertId);
    return expert ? conflictsOf(expert, parties, settings.conflictWindowYears, now) : [];
  }

  /**
   * Takes a member off the panel (`conflicted` or `declined`) and calls the next standby reserve in
   * draw order without a conflict now — an enterprise one first when the panel would otherwise fall
   * under its enterprise minimum; a reserve found conflicted is `unused` with the reason. No reserve
   * left: the panel goes on short. Saves the rows (the caller holds them FOR UPDATE).
   */
  async replace<S extends string, T extends PanelSeat<S>>(
    em: EntityManager,
    input: ReplaceInput<S, T>,
  ): Promise<Replacement<T>> {
    const { leaving, spelling, now } = input;
    this.move(leaving, LEAVE_ACTION[input.outcome], spelling, now);
    leaving.statusReason = input.statusReason;
    const needEnterprise = await this.needsEnterprise(em, input);
    const skipped: JsonObject[] = [];
    const usable: Array<{ reserve: T; enterprise: boolean }> = [];
    for (const reserve of input.members.filter(
      (m) => m.role === 'reserve' && spelling.read(m.status) === 'standby',
    )) {
      const expert = await this.experts.findForConflicts(em, reserve.expertId);
      const conflicts = expert
        ? conflictsOf(expert, input.parties, input.settings.conflictWindowYears, now)
        : [{ kind: 'missing', detail: 'the expert profile no longer exists' }];
      if (!conflicts.length) {
        usable.push({ reserve, enterprise: expert?.affiliationType === 'enterprise' });
        continue;
      }
      this.move(reserve, 'skip', spelling, now);
      reserve.statusReason = `conflict found when called: ${conflicts.map((c) => c.detail).join('; ')}`;
      skipped.push({
        panelMemberId: reserve.id,
        expertId: reserve.expertId,
        conflicts: conflicts.map((c) => c.kind),
      });
    }
    const chosen =
      ((needEnterprise ? usable.find((u) => u.enterprise) : undefined) ?? usable[0])?.reserve ?? null;
    if (chosen) {
      this.move(chosen, 'call', spelling, now);
      chosen.statusReason = `replaces ${leaving.role} ${leaving.position}`;
      leaving.replacedBy = chosen.id;
    }
    await em.save(input.members.map((m) => (m.id === leaving.id ? leaving : m)));
    return { chosen, skipped };
  }

  /** One assignment notice per expert called, to the expert's user (the caller says what it names). */
  async notifyAssigned<S extends string>(
    em: EntityManager,
    members: PanelSeat<S>[],
    notice: (member: PanelSeat<S>, expertUserId: string) => DomainEvent,
  ): Promise<void> {
    if (!members.length) return;
    const users = await this.panelExperts.userIds(
      em,
      members.map((m) => m.expertId),
    );
    for (const m of members) await this.outbox.publish(em, notice(m, users.get(m.expertId) ?? ''));
  }

  /** Expert id → user id, for notices the caller writes itself (reminders). */
  expertUserIds(em: EntityManager, expertIds: string[]): Promise<Map<string, string>> {
    return this.panelExperts.userIds(em, expertIds);
  }

  /** Expert id → display name (an admin's view of a panel). */
  expertNames(expertIds: string[], em?: EntityManager): Promise<Map<string, string>> {
    return this.panelExperts.names(expertIds, em);
  }

  /** The caller's expert profile id, or null. */
  expertIdOfUser(em: EntityManager, userId: string): Promise<string | null> {
    return this.panelExperts.expertIdOfUser(em, userId);
  }

  // — helpers —

  private move<S extends string>(
    seat: PanelSeat<S>,
    action: Parameters<typeof PANEL_MEMBER_MACHINE.target>[1],
    spelling: StatusSpelling<S>,
    now: Date,
  ): void {
    seat.status = spelling.write(PANEL_MEMBER_MACHINE.target(spelling.read(seat.status), action));
    seat.version += 1;
    seat.updatedAt = now;
  }

  /** Whether the leaving member takes the panel under its enterprise minimum. */
  private async needsEnterprise<S extends string, T extends PanelSeat<S>>(
    em: EntityManager,
    input: ReplaceInput<S, T>,
  ): Promise<boolean> {
    const leaving = await this.experts.findForConflicts(em, input.leaving.expertId);
    if (leaving?.affiliationType !== 'enterprise') return false;
    const stillSeated = input.members.filter((m) => m.id !== input.leaving.id && isSeated(m, input.spelling));
    const enterpriseLeft = await this.experts.countEnterpriseAffiliated(
      em,
      stillSeated.map((m) => m.expertId),
    );
    return enterpriseLeft < minEnterpriseExperts(input.settings);
  }
}

/** The rows a draw stores: members `pending`, reserves `standby`, each numbered in draw order. */
function drawnSeats(members: string[], reserves: string[]): DrawnSeat[] {
  return [
    ...members.map((expertId, i) => ({
      expertId,
      role: 'member' as const,
      position: i + 1,
      status: PANEL_MEMBER_MACHINE.initial('draw'),
    })),
    ...reserves.map((expertId, i) => ({
      expertId,
      role: 'reserve' as const,
      position: i + 1,
      status: PANEL_MEMBER_MACHINE.initial('draw_reserve'),
    })),
  ];
}

function understaffed(
  draw: Extract<DrawOutcome, { ok: false }>,
  settings: ProgramSettings,
  minEnterprise: number,
  excludedExperts: JsonObject[],
  panelName: string | null,
): DomainError {
  const excluded = excludedExperts.filter((e) => 'conflicts' in e).length;
  const noOverlap = excludedExperts.filter((e) => 'noOverlap' in e).length;
  const capped = excludedExperts.filter((e) => 'yearlyCap' in e).length;
  const parts = [
    draw.missingExperts ? `${draw.missingExperts} more expert(s)` : null,
    draw.missingEnterpriseExperts ? `${draw.missingEnterpriseExperts} more enterprise expert(s)` : null,
  ].filter(Boolean);
  const lead = panelName ? ` for the ${panelName}: it needs` : ': the panel needs';
  return new DomainError(
    'PANEL_UNDERSTAFFED',
    `Too few experts qualify${lead} ${settings.panelSize} members and ${settings.reserveExperts} ` +
      `reserves with at least ${minEnterprise} from enterprises; ${draw.candidates} qualify ` +
      `(${draw.enterpriseCandidates} from enterprises, ${excluded} excluded for conflicts` +
      `${noOverlap ? `, ${noOverlap} sharing no term with the list` : ''}` +
      `${capped ? `, ${capped} at the yearly cap` : ''}): ` +
      `${parts.join(' and ')} needed`,
    {
      extra: {
        missingExperts: draw.missingExperts,
        missingEnterpriseExperts: draw.missingEnterpriseExperts,
        qualifiedExperts: draw.candidates,
        qualifiedEnterpriseExperts: draw.enterpriseCandidates,
        excludedForConflicts: excluded,
        excludedForNoOverlap: noOverlap,
        excludedForYearlyCap: capped,
        panelSize: settings.panelSize,
        reserveExperts: settings.reserveExperts,
        minEnterpriseExperts: minEnterprise,
      },
    },
  );
}

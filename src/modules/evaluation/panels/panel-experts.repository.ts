import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** What a panel reads of the experts and their users: names for admins, user ids for notices. */
@Injectable()
export class PanelExpertsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Expert id → display name of its user (for an admin's view of a panel only). */
  async names(
    expertIds: string[],
    em: EntityManager = this.dataSource.manager,
  ): Promise<Map<string, string>> {
    if (!expertIds.length) return new Map();
    const rows = await em.query<Array<{ id: string; display_name: string }>>(
      `SELECT e.id, u.display_name FROM experts e JOIN users u ON u.id = e.user_id WHERE e.id = ANY($1::uuid[])`,
      [[...new Set(expertIds)]],
    );
    return new Map(rows.map((r) => [r.id, r.display_name]));
  }

  /** Expert id → user id (notices go to users). */
  async userIds(em: EntityManager, expertIds: string[]): Promise<Map<string, string>> {
    if (!expertIds.length) return new Map();
    const rows = await em.query<Array<{ id: string; user_id: string }>>(
      `SELECT id, user_id FROM experts WHERE id = ANY($1::uuid[])`,
      [[...new Set(expertIds)]],
    );
    return new Map(rows.map((r) => [r.id, r.user_id]));
  }

  /**
   * Per expert, the panel seats it took in the calendar year (Asia/Shanghai) of `at`: review and
   * acceptance panels, as a member or a called reserve, leaving out seats given up (conflicted,
   * declined, replaced) and reserves never called (the yearly cap, ADR 0060).
   */
  async seatsInYear(em: EntityManager, expertIds: string[], at: Date): Promise<Map<string, number>> {
    if (!expertIds.length) return new Map();
    const rows = await em.query<Array<{ expert_id: string; seats: number }>>(
      `SELECT expert_id, count(*)::int AS seats FROM (
         SELECT m.expert_id, p.drawn_at AS at, m.status FROM panel_members m
           JOIN review_panels p ON p.id = m.panel_id
         UNION ALL
         SELECT a.expert_id, a.created_at AS at, a.status FROM acceptance_panel_members a
       ) s
       WHERE s.expert_id = ANY($1::uuid[])
         AND s.status NOT IN ('standby', 'unused', 'conflicted', 'declined', 'replaced')
         AND date_trunc('year', s.at AT TIME ZONE 'Asia/Shanghai') = date_trunc('year', $2::timestamptz AT TIME ZONE 'Asia/Shanghai')
       GROUP BY expert_id`,
      [expertIds, at],
    );
    return new Map(rows.map((r) => [r.expert_id, r.seats]));
  }

  /** The expert profile of a user, or null. */
  async expertIdOfUser(em: EntityManager, userId: string): Promise<string | null> {
    const [row] = await em.query<Array<{ id: string }>>(`SELECT id FROM experts WHERE user_id = $1`, [
      userId,
    ]);
    return row?.id ?? null;
  }
}

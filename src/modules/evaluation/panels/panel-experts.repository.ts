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

  /** The expert profile of a user, or null. */
  async expertIdOfUser(em: EntityManager, userId: string): Promise<string | null> {
    const [row] = await em.query<Array<{ id: string }>>(`SELECT id FROM experts WHERE user_id = $1`, [
      userId,
    ]);
    return row?.id ?? null;
  }
}

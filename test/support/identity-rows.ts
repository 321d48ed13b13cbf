import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';

/**
 * Organizations and users written straight to the tables, for tests of the worker side that need
 * recipients but no login. HTTP tests use the auth factories instead.
 */
export async function insertOrganization(db: DataSource, now = new Date()): Promise<string> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO organizations (id, name, type, region_code, created_at, updated_at)
     VALUES ($1, $2, 'enterprise', '110000', $3, $3)`,
    [id, `测试单位 ${id.slice(0, 8)}`, now],
  );
  return id;
}

export async function insertUser(
  db: DataSource,
  organizationId: string,
  options: { enabled?: boolean; roles?: string[] } = {},
  now = new Date(),
): Promise<string> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO users (id, organization_id, email, display_name, password_hash, roles, enabled, created_at, updated_at)
     VALUES ($1, $2, $3, '测试用户', 'x', $4, $5, $6, $6)`,
    [id, organizationId, `${id}@example.cn`, options.roles ?? ['applicant'], options.enabled ?? true, now],
  );
  return id;
}

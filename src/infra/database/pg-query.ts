import type { Pool, QueryResultRow } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';

/** SQL text and its positional parameters ($1, $2, …), as pg sends them. */
export interface Statement {
  text: string;
  values: unknown[];
}

/**
 * One statement straight on TypeORM's pg pool, for hot reads whose rows are mapped to answers
 * without entity hydration (ADR 0051): no query runner, no entity metadata, pg's own parsing.
 * A failing statement becomes TypeORM's QueryFailedError, as `dataSource.query` would throw, so the
 * problem filter answers it the same way (a bad cursor value 400, a timeout 503).
 */
export async function pgQuery<R extends QueryResultRow>(
  dataSource: DataSource,
  statement: Statement,
): Promise<R[]> {
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  if (!pool) return dataSource.query<R[]>(statement.text, statement.values);
  try {
    const result = await pool.query<R>(statement.text, statement.values);
    return result.rows;
  } catch (error) {
    if (
      error instanceof Error &&
      typeof (error as { code?: unknown }).code === 'string' &&
      'severity' in error
    ) {
      throw new QueryFailedError(statement.text, statement.values, error);
    }
    throw error;
  }
}

import Fastify from 'fastify';
import { Pool } from 'pg';
import {
  detailFromRow,
  DetailRow,
  pageFromRows,
  SummaryRow,
} from '../../src/modules/call/challenges/challenge-reads.rows';
import {
  challengeDetailStatement,
  challengeListStatement,
} from '../../src/modules/call/challenges/challenge-reads.repository';
import type { ChallengeStatus } from '../../src/modules/call/challenges/challenge-status';
import type { ListChallengesQueryDto } from '../../src/modules/call/challenges/dto/list-challenges.query';

/**
 * The raw baseline of the HTTP bench (issue 17, ADR 0051): bare Fastify and pg, no framework, no
 * validation, no auth, no logging. It sends byte-identical SQL (the statement builders of src) and
 * answers identical JSON for the public list and detail, and `{"status":"ok"}` on /hello. Started by
 * test/bench/http.ts as a child process: DATABASE_URL, PORT, DATABASE_POOL_MAX (as the API's).
 */
const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_MAX ?? 10),
});
const app = Fastify({ logger: false });

type Query = Record<string, string | undefined>;

/** The query string as the API's DTO holds it after validation (the bench sends valid queries only). */
function listQuery(q: Query): ListChallengesQueryDto {
  return {
    ...(q.q !== undefined ? { q: q.q } : {}),
    ...(q.limit !== undefined ? { limit: Number(q.limit) } : {}),
    ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
    ...(q.sort !== undefined ? { sort: q.sort as ListChallengesQueryDto['sort'] } : {}),
    ...(q.status !== undefined ? { status: q.status.split(',') as ChallengeStatus[] } : {}),
    ...(q.category !== undefined ? { category: q.category } : {}),
    ...(q.region !== undefined ? { region: q.region } : {}),
  };
}

app.get('/api/v1/challenges', async (request) => {
  const now = new Date();
  const statement = challengeListStatement(listQuery(request.query as Query), { scope: 'public' }, now);
  const { rows } = await pool.query<SummaryRow>(statement.text, statement.values);
  return pageFromRows(rows, statement, now);
});

app.get('/api/v1/challenges/:id', async (request, reply) => {
  const now = new Date();
  const statement = challengeDetailStatement((request.params as { id: string }).id, now);
  const { rows } = await pool.query<DetailRow>(statement.text, statement.values);
  const row = rows[0];
  if (!row || row.published_at === null) return reply.status(404).send({ status: 404 });
  return detailFromRow(row, false, now);
});

app.get('/hello', async () => ({ status: 'ok' }));

app
  .listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
  .then(() => process.stdout.write('ready\n'))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });

process.on('SIGTERM', () => {
  void app.close().then(() => pool.end().then(() => process.exit(0)));
});

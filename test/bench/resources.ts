import { Client } from 'pg';
import Redis from 'ioredis';

/**
 * A bench part's own database, dropped first if a broken run left it: UTF-8 with the C.UTF-8
 * collation, as the test databases. Returns its URL (the admin URL with the database's name).
 */
export async function freshBenchDatabase(admin: Client, adminUrl: string, name: string): Promise<string> {
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(
    `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`,
  );
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Deletes every key under `prefix:` (a bench run's or a test's own REDIS_PREFIX). */
export async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

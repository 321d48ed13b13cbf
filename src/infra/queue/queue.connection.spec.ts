import { Cluster } from 'ioredis';
import { parseConfig } from '../config/config';
import { bullConnection, bullPrefix } from './queue.connection';

const base = { DATABASE_URL: 'postgres://app@db:5432/jiebang', JWT_ACCESS_SECRET: 'k'.repeat(32) };

describe("BullMQ's prefix and connection (ADR 66)", () => {
  it('keeps an untagged prefix as it was without a cluster, and tags it on a cluster', () => {
    const single = parseConfig({ ...base, REDIS_URL: 'redis://cache:6379' });
    expect(bullPrefix(single)).toBe('jiebang:bull');
    const cluster = parseConfig({ ...base, REDIS_MODE: 'cluster', REDIS_CLUSTER_NODES: 'n1:7000' });
    expect(bullPrefix(cluster)).toBe('{jiebang}:bull');
  });

  it("uses a prefix's own hash tag in every mode", () => {
    for (const mode of ['single', 'cluster']) {
      const config = parseConfig({
        ...base,
        REDIS_MODE: mode,
        ...(mode === 'single' ? { REDIS_URL: 'redis://cache:6379' } : { REDIS_CLUSTER_NODES: 'n1:7000' }),
        REDIS_PREFIX: 'jb:{prov}',
      });
      expect(bullPrefix(config)).toBe('jb:{prov}:bull');
    }
  });

  it('gives BullMQ options for one server or a sentinel set, and a Cluster client for a cluster', () => {
    expect(bullConnection(parseConfig({ ...base, REDIS_URL: 'redis://cache:6379' }))).toMatchObject({
      url: 'redis://cache:6379',
      maxRetriesPerRequest: null,
    });
    const sentinel = bullConnection(
      parseConfig({
        ...base,
        REDIS_MODE: 'sentinel',
        REDIS_SENTINELS: 's1:26379',
        REDIS_SENTINEL_NAME: 'mymaster',
        REDIS_PASSWORD: 'secret',
      }),
    );
    expect(sentinel).toMatchObject({
      sentinels: [{ host: 's1', port: 26379 }],
      name: 'mymaster',
      password: 'secret',
      maxRetriesPerRequest: null,
    });
    const cluster = bullConnection(
      parseConfig({ ...base, REDIS_MODE: 'cluster', REDIS_CLUSTER_NODES: 'n1:7000', REDIS_TLS: 'true' }),
    );
    try {
      expect(cluster).toBeInstanceOf(Cluster);
      const options = (cluster as Cluster).options;
      expect(options.keyPrefix).toBeUndefined();
      expect(options.redisOptions).toMatchObject({ maxRetriesPerRequest: null, tls: {} });
    } finally {
      (cluster as Cluster).disconnect();
    }
  });
});

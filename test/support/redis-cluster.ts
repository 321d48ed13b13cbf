import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { freePort } from '../../src/infra/embedded/free-port';
import { RunningRedis, startPrivateRedis } from '../../src/infra/embedded/private-redis';
import { waitFor } from './workers';

const run = promisify(execFile);

export interface LocalRedisCluster {
  /** host:port of each master, as REDIS_CLUSTER_NODES takes them. */
  nodes: string[];
  ports: number[];
  stop(): Promise<void>;
}

/**
 * A real Redis Cluster of `masters` redis-server processes on 127.0.0.1 (no replicas, no
 * persistence), each in a temporary folder: started, joined with `redis-cli --cluster create`,
 * and waited for until every node says cluster_state:ok. `stop()` ends them and removes the folder.
 */
export async function startRedisCluster(masters = 3): Promise<LocalRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'jiebang-redis-cluster-'));
  const servers: RunningRedis[] = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ports: number[] = [];
    for (let i = 0; i < masters; i++) ports.push(await freePort());
    for (const port of ports) {
      servers.push(
        await startPrivateRedis({
          bin: process.env.REDIS_SERVER_BIN ?? 'redis-server',
          port,
          dir,
          log: () => undefined,
          extraArgs: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            join(dir, `nodes-${port}.conf`),
            '--cluster-node-timeout',
            '5000',
          ],
        }),
      );
    }
    const nodes = ports.map((port) => `127.0.0.1:${port}`);
    await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'], {
      timeout: 30_000,
    });
    await waitFor(async () => (await Promise.all(ports.map(clusterStateOk))).every(Boolean), {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: 'cluster_state:ok on every node',
    });
    return { nodes, ports, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function clusterStateOk(port: number): Promise<boolean> {
  const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return /cluster_state:ok/.test(await client.cluster('INFO'));
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Every key on one node, by SCAN (the test's own cluster: a few hundred keys at most). */
export async function keysOn(port: number, pattern = '*'): Promise<string[]> {
  const client = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 1 });
  client.on('error', () => undefined);
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      keys.push(...found);
      cursor = next;
    } while (cursor !== '0');
    return keys;
  } finally {
    client.disconnect();
  }
}

/**
 * One master and one Sentinel watching it (quorum 1), each a redis-server of its own on
 * 127.0.0.1, in a temporary folder; waited for until the Sentinel names the master.
 */
export async function startRedisSentinel(name: string): Promise<{
  masterPort: number;
  sentinel: string;
  stop(): Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'jiebang-redis-sentinel-'));
  const servers: RunningRedis[] = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const bin = process.env.REDIS_SERVER_BIN ?? 'redis-server';
    const masterPort = await freePort();
    servers.push(await startPrivateRedis({ bin, port: masterPort, dir, log: () => undefined }));
    const sentinelPort = await freePort();
    // A Sentinel rewrites its configuration file: one of its own.
    const config = join(dir, 'sentinel.conf');
    writeFileSync(config, `sentinel monitor ${name} 127.0.0.1 ${masterPort} 1\n`);
    servers.push(
      await startPrivateRedis({
        bin,
        port: sentinelPort,
        dir,
        log: () => undefined,
        extraArgs: ['--sentinel'],
        configFile: config,
      }),
    );
    const client = new Redis(sentinelPort, '127.0.0.1', { maxRetriesPerRequest: 1 });
    client.on('error', () => undefined);
    try {
      await waitFor(
        async () =>
          ((await client.call('SENTINEL', 'get-master-addr-by-name', name)) as string[] | null)?.[1] ===
          String(masterPort),
        { timeoutMs: 20_000, intervalMs: 100, what: `the sentinel to name master ${name}` },
      );
    } finally {
      client.disconnect();
    }
    return { masterPort, sentinel: `127.0.0.1:${sentinelPort}`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

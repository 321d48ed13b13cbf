import { QueryFailedError } from 'typeorm';
import type { DataSource } from 'typeorm';
import { isReplicaUnavailable, ReadReplicas, replicaLabel } from './read-replicas';

describe('read replicas', () => {
  it('reads from the primary when no replica is configured, and never checks', async () => {
    const primary = { query: jest.fn() } as unknown as DataSource;
    const replicas = ReadReplicas.primaryOnly(primary);
    expect(replicas.source()).toBe(primary);
    expect(await replicas.read(async (source) => source)).toBe(primary);
    expect(await replicas.check()).toEqual([]);
    expect(primary.query).not.toHaveBeenCalled();
  });

  it('names a replica by host, port and database, never by its credentials', () => {
    expect(replicaLabel('postgres://reader:s3cret@replica-1.db:6432/jiebang')).toBe(
      'replica-1.db:6432/jiebang',
    );
    expect(replicaLabel('postgresql://reader@10.0.0.7/jiebang')).toBe('10.0.0.7:5432/jiebang');
  });

  it('retries on the primary for outages and recovery conflicts only, not for a bad statement', () => {
    const failed = (code: string) =>
      new QueryFailedError('SELECT 1', [], Object.assign(new Error('x'), { code, severity: 'ERROR' }));
    expect(
      isReplicaUnavailable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    ).toBe(true);
    expect(isReplicaUnavailable(failed('57P01'))).toBe(true);
    expect(isReplicaUnavailable(failed('40001'))).toBe(true);
    expect(isReplicaUnavailable(failed('22P02'))).toBe(false);
    // A write reaching a replica (25006 read_only_sql_transaction) is a bug to see, not to hide.
    expect(isReplicaUnavailable(failed('25006'))).toBe(false);
  });
});

import { parseConfig } from '../config/config';
import { jobRetention } from './job-retention';

describe('jobRetention', () => {
  const base = {
    DATABASE_URL: 'postgres://a@b/c',
    REDIS_URL: 'redis://r',
    JWT_ACCESS_SECRET: 'k'.repeat(32),
  };

  it('keeps completed jobs a day (10,000 a queue) and failed ones 30 days by default', () => {
    expect(jobRetention(parseConfig(base))).toEqual({
      removeOnComplete: { age: 86_400, count: 10_000 },
      removeOnFail: { age: 30 * 86_400 },
    });
  });

  it('follows the settings, in seconds as BullMQ counts', () => {
    const config = parseConfig({
      ...base,
      RETENTION_COMPLETED_JOBS_HOURS: '2',
      RETENTION_COMPLETED_JOBS_COUNT: '500',
      RETENTION_FAILED_JOBS_DAYS: '7',
    });
    expect(jobRetention(config)).toEqual({
      removeOnComplete: { age: 7_200, count: 500 },
      removeOnFail: { age: 7 * 86_400 },
    });
  });
});

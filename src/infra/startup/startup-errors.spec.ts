import { ConfigError } from '../config/config.schema';
import {
  databaseErrorLine,
  dataDirInUseLine,
  listenErrorLine,
  redisErrorLine,
  startupFailureLines,
  StartupError,
} from './startup-errors';

const pgError = (code: string, message: string): Error => Object.assign(new Error(message), { code });
const url = 'postgres://app:s3cret@db.example:5433/jiebang';

describe('start-up error lines', () => {
  it('names DATABASE_URL with the cause and the fix, never the password', () => {
    const lines = [
      databaseErrorLine(pgError('ECONNREFUSED', 'connect ECONNREFUSED'), url, 20_000),
      databaseErrorLine(pgError('28000', 'role "app" does not exist'), url, 0),
      databaseErrorLine(pgError('28P01', 'password authentication failed for user "app"'), url, 0),
      databaseErrorLine(pgError('3D000', 'database "jiebang" does not exist'), url, 0),
    ];
    expect(lines[0]).toMatch(
      /^DATABASE_URL: no PostgreSQL answered at db\.example:5433 within 20 s \(connection refused\)/,
    );
    expect(lines[1]).toMatch(
      /^DATABASE_URL: PostgreSQL at db\.example:5433 has no role "app": correct the user name/,
    );
    expect(lines[2]).toMatch(/^DATABASE_URL: .* refused user "app" .*correct the user and password/);
    expect(lines[3]).toMatch(
      /^DATABASE_URL: database "jiebang" does not exist at db\.example:5433: create it/,
    );
    for (const line of lines) {
      expect(line).not.toContain('s3cret');
      expect(line).not.toContain('\n');
    }
  });

  it('finds the cause inside the AggregateError of a host with two addresses', () => {
    const error = new AggregateError([pgError('ECONNREFUSED', 'connect ECONNREFUSED ::1:1')], '');
    expect(databaseErrorLine(error, 'postgres://localhost:1/x', 1_000)).toContain('(connection refused)');
  });

  it('leaves an unknown database failure to its stack', () => {
    const error = pgError('XX000', 'internal error');
    expect(databaseErrorLine(error, url, 0)).toBeUndefined();
    expect(startupFailureLines(error)[0]).toContain('at ');
  });

  it('names REDIS_URL after the wait, or at once for refused credentials', () => {
    expect(redisErrorLine(pgError('ECONNREFUSED', 'x'), 'redis://cache:6380', 2_000)).toMatch(
      /^REDIS_URL: no Redis answered at cache:6380 within 2 s \(connection refused\): start Redis there or correct REDIS_URL/,
    );
    expect(
      redisErrorLine(new Error('WRONGPASS invalid username-password pair'), 'redis://u:p@cache', 0),
    ).toMatch(/^REDIS_URL: Redis at cache:6379 refused the credentials/);
  });

  it('names PORT for a port in use or forbidden, HOST for an address not here', () => {
    expect(listenErrorLine(pgError('EADDRINUSE', 'x'), 3000, '0.0.0.0')).toMatch(
      /^PORT: 3000 is already in use on 0\.0\.0\.0 .* PORT=3001$/,
    );
    expect(listenErrorLine(pgError('EACCES', 'x'), 80, '0.0.0.0')).toMatch(/^PORT: 80 needs privileges/);
    expect(listenErrorLine(pgError('EADDRNOTAVAIL', 'x'), 3000, '10.9.9.9')).toMatch(/^HOST: 10\.9\.9\.9/);
    expect(listenErrorLine(pgError('EMFILE', 'x'), 3000, '0.0.0.0')).toBeUndefined();
  });

  it('says another instance holds DATA_DIR, not to set DATABASE_URL', () => {
    const line = dataDirInUseLine('/srv/.data', { pid: 42, what: 'launcher' });
    expect(line).toMatch(/^DATA_DIR: \/srv\/\.data is in use by another npm start \(pid 42\)/);
    expect(line).not.toContain('DATABASE_URL');
    expect(dataDirInUseLine('/srv/.data', { pid: 7, what: 'postgres' })).toContain('kill 7');
  });

  it('prints a known cause as its line alone, a configuration error as one line a variable', () => {
    expect(startupFailureLines(new StartupError('PORT', 'PORT: taken'))).toEqual(['PORT: taken']);
    expect(startupFailureLines(new ConfigError(['PORT: bad', 'REDIS_URL: is required']))).toEqual([
      'PORT: bad',
      'REDIS_URL: is required',
      'Every variable is described in .env.example.',
    ]);
  });
});

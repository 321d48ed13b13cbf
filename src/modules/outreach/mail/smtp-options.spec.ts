import { parseConfig } from '../../../infra/config/config';
import { ConfigError } from '../../../infra/config/config.schema';
import { describeSmtp, SMTP_TIMEOUTS, smtpOptions } from './smtp-options';

const base = {
  DATABASE_URL: 'postgres://app@db:5432/jiebang',
  REDIS_URL: 'redis://cache:6379',
  JWT_ACCESS_SECRET: 'k'.repeat(32),
};

describe('SMTP options', () => {
  it('are null without SMTP_URL and SMTP_HOST: mail is recorded, not sent', () => {
    expect(smtpOptions(parseConfig(base))).toBeNull();
  });

  it('come from SMTP_URL with its credentials, TLS mode and the timeouts', () => {
    const options = smtpOptions(
      parseConfig({ ...base, SMTP_URL: 'smtps://mailer:s%3Acret@smtp.example.cn:465' }),
    );
    expect(options).toMatchObject({
      host: 'smtp.example.cn',
      port: 465,
      secure: true,
      auth: { user: 'mailer', pass: 's:cret' },
      ...SMTP_TIMEOUTS,
    });
    expect(describeSmtp(options!)).toBe('smtps://smtp.example.cn:465');
  });

  it('come from SMTP_HOST and its companions, with a login only when SMTP_USER is set', () => {
    expect(smtpOptions(parseConfig({ ...base, SMTP_HOST: 'mail.example.cn' }))).toEqual({
      host: 'mail.example.cn',
      port: 587,
      secure: false,
      ...SMTP_TIMEOUTS,
    });
    expect(
      smtpOptions(
        parseConfig({
          ...base,
          SMTP_HOST: 'mail.example.cn',
          SMTP_PORT: '2525',
          SMTP_SECURE: 'true',
          SMTP_USER: 'u',
          SMTP_PASS: 'p',
        }),
      ),
    ).toMatchObject({ port: 2525, secure: true, auth: { user: 'u', pass: 'p' } });
  });

  it('refuses SMTP_URL and SMTP_HOST together, and a URL that is not smtp(s)', () => {
    expect(() => parseConfig({ ...base, SMTP_URL: 'smtp://a:25', SMTP_HOST: 'b' })).toThrow(ConfigError);
    expect(() => parseConfig({ ...base, SMTP_URL: 'http://a:25' })).toThrow(
      /SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/,
    );
  });
});

import { MAIL_LOCALES, MailTemplateError } from '../mail-data';
import { accountMailLink, ACCOUNT_MAIL_KINDS, redactLinks, renderAccountMail } from './account-mails';

const TOKEN = 'jbp_Zk3v1c2l2c3V5bX3VxZ2tWcHd0cE9uZXl4a2VhTkE';
const SAMPLES: Record<string, Record<string, unknown>> = {
  'auth.password_reset_issued': {
    userId: 'u',
    email: 'li.ming@example.cn',
    displayName: '李明',
    locale: 'zh-CN',
    forced: false,
    token: TOKEN,
    expiresAt: '2027-03-01T03:00:00.000Z',
  },
  'invitation.issued': {
    invitationId: 'i',
    email: 'zhang.wei@example.cn',
    displayName: '张伟',
    locale: 'en',
    organizationName: '江西省科学技术厅',
    roles: ['expert', 'user_manager'],
    inviterName: '管理员',
    token: TOKEN,
    expiresAt: '2027-03-08T02:00:00.000Z',
  },
};

describe('account mails (ADR 0045)', () => {
  it('has a sample for every kind, and each renders in both languages with the link and its expiry', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...ACCOUNT_MAIL_KINDS].sort());
    for (const kind of ACCOUNT_MAIL_KINDS) {
      for (const locale of MAIL_LOCALES) {
        const mail = renderAccountMail(kind, SAMPLES[kind] as never, locale, 'https://web.example.cn/app');
        expect(mail.text).toContain(`https://web.example.cn/app/`);
        expect(mail.text).toContain(`?token=${TOKEN}`);
        expect(mail.text).toContain('2027-03-');
        expect(mail.subject).toMatch(locale === 'en' ? /^\[Jiebang\] / : /^【揭榜挂帅】/);
      }
    }
  });

  it('names the roles in the language of the mail, and says when the reset was forced', () => {
    const invitation = renderAccountMail(
      'invitation.issued',
      SAMPLES['invitation.issued'] as never,
      'zh-CN',
      'http://x',
    );
    expect(invitation.text).toContain('评审专家、用户管理员');
    const forced = renderAccountMail(
      'auth.password_reset_issued',
      { ...SAMPLES['auth.password_reset_issued'], forced: true },
      'en',
      'http://x',
    );
    expect(forced.text).toContain('A security administrator has reset your');
  });

  it('refuses data without a token or roles, and unknown kinds', () => {
    const { token: _token, ...noToken } = SAMPLES['auth.password_reset_issued'];
    expect(() => renderAccountMail('auth.password_reset_issued', noToken as never, 'en', 'http://x')).toThrow(
      MailTemplateError,
    );
    expect(() =>
      renderAccountMail(
        'invitation.issued',
        { ...SAMPLES['invitation.issued'], roles: [] },
        'en',
        'http://x',
      ),
    ).toThrow(MailTemplateError);
    expect(() => renderAccountMail('user.unknown', {}, 'en', 'http://x')).toThrow(MailTemplateError);
  });

  it('builds links under the web URL, with or without a trailing slash or path', () => {
    expect(accountMailLink('https://w.cn', '/password-reset', 'a_b-c')).toBe(
      'https://w.cn/password-reset?token=a_b-c',
    );
    expect(accountMailLink('https://w.cn/app/', '/invitations/accept', 't')).toBe(
      'https://w.cn/app/invitations/accept?token=t',
    );
  });

  it('redacts every one-time token of a body, and nothing else', () => {
    const text = 'Open https://w.cn/a?token=jbp_ab-C_9 or https://w.cn/b?x=1&token=jbi_Z.\nBye';
    expect(redactLinks(text)).toBe(
      'Open https://w.cn/a?token=[redacted] or https://w.cn/b?x=1&token=[redacted].\nBye',
    );
  });
});

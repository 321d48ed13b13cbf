import type { JsonObject } from '../../../../common/json';
import { enTime, MailContent, MailData, MailLocale, MailTemplateError, zhTime } from '../mail-data';

/**
 * Account mails (ADR 0045): a password-reset link, an invitation link. Unlike the notification
 * mails (mail-templates.ts) they go to the address in the event, not to the users of a rule, may
 * not be turned off, and carry a one-time link: <PUBLIC_WEB_URL><path>?token=<token>.
 */

interface AccountDraft {
  subject: string;
  lines: string[];
}
type AccountWrite = (d: MailData, link: string) => AccountDraft;

export interface AccountMailTemplate {
  /** The web front end's page the link opens. */
  path: string;
  'zh-CN': AccountWrite;
  en: AccountWrite;
}

const ROLE_NAMES: Record<MailLocale, Record<string, string>> = {
  'zh-CN': {
    admin: '系统管理员',
    security_admin: '安全管理员',
    audit_admin: '审计管理员',
    user_manager: '用户管理员',
    issuer: '发榜方',
    applicant: '揭榜方',
    expert: '评审专家',
  },
  en: {
    admin: 'system administrator',
    security_admin: 'security administrator',
    audit_admin: 'audit administrator',
    user_manager: 'user manager',
    issuer: 'issuer',
    applicant: 'applicant',
    expert: 'expert reviewer',
  },
};

function rolesOf(d: MailData, locale: MailLocale): string {
  const names = d.texts('roles').map((role) => ROLE_NAMES[locale][role] ?? role);
  return names.join(locale === 'en' ? ', ' : '、');
}

export const ACCOUNT_MAILS: Readonly<Record<string, AccountMailTemplate>> = {
  'auth.password_reset_issued': {
    path: '/password-reset',
    'zh-CN': (d, link) => ({
      subject: '重置密码',
      lines: [
        d.flag('forced')
          ? '安全管理员已重置您在揭榜挂帅平台的密码，原密码已失效，所有登录会话已退出。请通过以下链接设置新密码：'
          : '我们收到了重置您揭榜挂帅平台账号密码的请求。请通过以下链接设置新密码：',
        link,
        `该链接仅可使用一次，有效期至 ${zhTime(d.instant('expiresAt'))}。设置新密码后，所有已登录的设备都需要重新登录。`,
        '如果这不是您本人的操作，请忽略本邮件，您的密码不会改变。',
      ],
    }),
    en: (d, link) => ({
      subject: 'Reset your password',
      lines: [
        d.flag('forced')
          ? 'A security administrator has reset your Jiebang platform password: the old one no longer works and every session has been signed out. Set a new password here:'
          : 'We received a request to reset the password of your Jiebang platform account. Set a new password here:',
        link,
        `The link works once, until ${enTime(d.instant('expiresAt'))}. After the change, every signed-in device must sign in again.`,
        'If you did not ask for this, ignore this mail: your password stays as it is.',
      ],
    }),
  },
  'invitation.issued': {
    path: '/invitations/accept',
    'zh-CN': (d, link) => ({
      subject: `邀请您加入「${d.text('organizationName')}」`,
      lines: [
        `${d.optionalText('inviterName') ?? '平台管理员'}邀请您以${rolesOf(d, 'zh-CN')}身份加入揭榜挂帅平台的「${d.text('organizationName')}」。`,
        '请通过以下链接设置您的密码并完成注册：',
        link,
        `该链接仅可使用一次，有效期至 ${zhTime(d.instant('expiresAt'))}。`,
        '如果您不认识邀请人，请忽略本邮件。',
      ],
    }),
    en: (d, link) => ({
      subject: `Invitation to join ${d.text('organizationName')}`,
      lines: [
        `${d.optionalText('inviterName') ?? 'The platform administrator'} invites you to join “${d.text('organizationName')}” on the Jiebang Guashuai platform as ${rolesOf(d, 'en')}.`,
        'Set your password and finish signing up here:',
        link,
        `The link works once, until ${enTime(d.instant('expiresAt'))}.`,
        'If you do not know the sender, ignore this mail.',
      ],
    }),
  },
};

export const ACCOUNT_MAIL_KINDS: readonly string[] = Object.keys(ACCOUNT_MAILS);

const SUBJECT_PREFIX: Record<MailLocale, string> = { 'zh-CN': '【揭榜挂帅】', en: '[Jiebang] ' };

/** `?token=[redacted]`: what a mail row keeps of its links once it can no longer be sent. */
export const REDACTED_TOKEN = '[redacted]';
const LINK_TOKEN = /([?&]token=)[A-Za-z0-9_-]+/g;

export function redactLinks(text: string): string {
  return text.replace(LINK_TOKEN, `$1${REDACTED_TOKEN}`);
}

/** The link of an account mail: the front end's page with the token as its query. */
export function accountMailLink(webUrl: string, path: string, token: string): string {
  const url = new URL(path.replace(/^\//, ''), webUrl.endsWith('/') ? webUrl : `${webUrl}/`);
  url.searchParams.set('token', token);
  return url.toString();
}

/** The account mail of an event, in the locale; MailTemplateError when its data is not usable. */
export function renderAccountMail(
  kind: string,
  data: JsonObject,
  locale: MailLocale,
  webUrl: string,
): MailContent {
  const template = Object.hasOwn(ACCOUNT_MAILS, kind) ? ACCOUNT_MAILS[kind] : undefined;
  if (!template) throw new MailTemplateError(kind, 'no such account mail kind');
  const d = new MailData(kind, data);
  const draft = template[locale](d, accountMailLink(webUrl, template.path, d.text('token')));
  const name = d.text('displayName');
  const greeting = locale === 'en' ? `Dear ${name},` : `${name}，您好：`;
  const footer =
    locale === 'en'
      ? '—\nThis message was sent automatically; please do not reply.'
      : '—\n本邮件由系统自动发送，请勿直接回复。';
  const subject = (SUBJECT_PREFIX[locale] + draft.subject).replace(/\s*[\r\n]+\s*/g, ' ');
  return { subject, text: `${[greeting, ...draft.lines, footer].join('\n\n')}\n` };
}

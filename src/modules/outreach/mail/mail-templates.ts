import type { JsonObject } from '../../../common/json';

/**
 * The mail table: which event kinds are sent by e-mail, and what the mail says, in Chinese and in
 * English. Who receives it is not here: the recipients are those of the in-app notification rule
 * of the same event (notification-rules.ts), so the two cannot drift apart. A new kind is one entry
 * (and a sample in mail-templates.spec.ts, which checks both languages and the data they need).
 */

import {
  Draft,
  MailContent,
  MailData,
  MailLocale,
  MailRecipient,
  MailTemplate,
  MailTemplateError,
} from './mail-data';
import { CHALLENGE_MAILS } from './templates/challenge-mails';
import { CONTRACT_MAILS } from './templates/contract-mails';
import { NEED_MAILS } from './templates/need-mails';
import { PANEL_MAILS } from './templates/panel-mails';
import { PROJECT_MAILS } from './templates/project-mails';
import { RESULT_MAILS } from './templates/result-mails';
import { SELECTION_MAILS } from './templates/selection-mails';

export { MAIL_LOCALES, mailLocaleOf, MailData, MailTemplateError } from './mail-data';
export type { MailContent, MailLocale, MailRecipient, MailTemplate } from './mail-data';

/** Every template, by event kind (templates/*.ts, by phase). */
export const MAIL_TEMPLATES: Readonly<Record<string, MailTemplate>> = {
  ...CHALLENGE_MAILS,
  ...PANEL_MAILS,
  ...SELECTION_MAILS,
  ...PROJECT_MAILS,
  ...NEED_MAILS,
  ...RESULT_MAILS,
  ...CONTRACT_MAILS,
};

export const MAIL_KINDS: readonly string[] = Object.keys(MAIL_TEMPLATES);

const SUBJECT_PREFIX: Record<MailLocale, string> = { 'zh-CN': '【揭榜挂帅】', en: '[Jiebang] ' };

function frame(locale: MailLocale, recipient: MailRecipient, draft: Draft): MailContent {
  const name = recipient.displayName.trim();
  const text =
    locale === 'en'
      ? [
          name ? `Dear ${name},` : 'Hello,',
          ...draft.lines,
          'Sign in to the Jiebang Guashuai platform for the details.',
          '—\nThis message was sent automatically; please do not reply. You can turn off e-mail for this kind of notice in your notification preferences.',
        ]
      : [
          name ? `${name}，您好：` : '您好：',
          ...draft.lines,
          '详情请登录揭榜挂帅平台查看。',
          '—\n本邮件由系统自动发送，请勿直接回复。如不希望再收到此类邮件，可在“通知偏好”中关闭。',
        ];
  // A title with a line break must not break the Subject header (nodemailer encodes, but be plain).
  const subject = (SUBJECT_PREFIX[locale] + draft.subject).replace(/\s*[\r\n]+\s*/g, ' ');
  return { subject, text: `${text.join('\n\n')}\n` };
}

/**
 * The mail of an event for a recipient, in the locale. Throws MailTemplateError when the kind has
 * no template or its data lacks what the template needs.
 */
export function renderMail(
  kind: string,
  data: JsonObject,
  locale: MailLocale,
  recipient: MailRecipient,
): MailContent {
  const template = Object.hasOwn(MAIL_TEMPLATES, kind) ? MAIL_TEMPLATES[kind] : undefined;
  if (!template) throw new MailTemplateError(kind, 'no such mail kind');
  return frame(locale, recipient, template[locale](new MailData(kind, data)));
}
